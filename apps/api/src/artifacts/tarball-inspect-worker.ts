// The tarball inspector's thread (started by off-thread-inspector.ts for one upload). It reads
// the batches straight out of the upload's shared ring buffer, so no bytes are copied or
// allocated on the API's main thread for inspection. Why a thread at all: gunzip hands out a
// fresh buffer per output chunk, ~1 GiB of short-lived memory per GiB uploaded; in the main
// isolate that churn made V8 run full collections of the whole API heap back to back.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { TarballInspector, TarballRejectedError } from './tarball-inspector.js';
import type { InspectWorkerData, ToInspectWorker, FromInspectWorker } from './off-thread-inspector.js';

const { ring, options } = workerData as InspectWorkerData;
const port = parentPort!;
const inspector = new TarballInspector(options);
let chain: Promise<void> = Promise.resolve();

// gunzip's spent output buffers are freed only when V8 collects their (tiny) JS objects, and
// V8 waits for tens of MB of such memory before it does: +20-40 MiB of RSS per upload. A
// young-generation collection every COLLECT_EVERY_BYTES of output frees them at once (a
// fraction of a millisecond on this thread's tiny heap; 512 a GiB). The flag gives only the
// context created here a gc(); the API's own context is untouched.
const COLLECT_EVERY_BYTES = 2 * 1024 * 1024;
setFlagsFromString('--expose-gc');
const collectYoung = runInNewContext('gc') as (opts: { type: 'minor' }) => void;
// V8's flags are the process's: switched off again at once, so no context created later (in
// the API or another thread) gets a gc() it did not ask for.
setFlagsFromString('--no-expose-gc');
let collectedAt = 0;

const reply = (msg: FromInspectWorker) => port.postMessage(msg);
const failed = (err: unknown) =>
  reply(
    err instanceof TarballRejectedError
      ? { kind: 'failed', rejected: true, message: err.message, entry: err.entry }
      : { kind: 'failed', rejected: false, message: err instanceof Error ? err.message : String(err) },
  );

let stopped = false;
port.on('message', (msg: ToInspectWorker) => {
  // One step at a time, in the order sent: the inspector takes one write at a time.
  chain = chain.then(async () => {
    if (stopped) return;
    try {
      if (msg.kind === 'write') {
        await inspector.write(Buffer.from(ring, msg.offset, msg.length));
        reply({ kind: 'consumed' });
        if (inspector.unpackedSoFar - collectedAt >= COLLECT_EVERY_BYTES) {
          collectedAt = inspector.unpackedSoFar;
          collectYoung({ type: 'minor' });
        }
      } else {
        reply({ kind: 'done', result: await inspector.end() });
      }
    } catch (err) {
      // The first failure is the verdict; the main thread stops sending and ends this thread.
      stopped = true;
      failed(err);
    }
  });
});
