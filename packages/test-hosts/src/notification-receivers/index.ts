export { startNotificationReceiver } from './receiver.js';
export type { NotificationReceiver, ReceivedMessage, ReceiverKind, ReceiverOptions } from './receiver.js';
export { MAX_SKEW_MS, verifyDingtalk, verifyFeishu, verifyWharfWebhook } from './signatures.js';
