// Live deployment logs for the HTTP role: the socket.io gateway and the REST log routes.
// The worker role does not import this module; it writes logs with LogSink (log-sink.ts).
import { Module } from '@nestjs/common';
import { LiveGateway } from './live.gateway.js';
import { LogStoreService } from './log-store.service.js';
import { LogsController } from './logs.controller.js';

@Module({
  controllers: [LogsController],
  providers: [LiveGateway, LogStoreService],
})
export class LiveModule {}
