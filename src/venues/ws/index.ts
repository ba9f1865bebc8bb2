export { openWebSocket, type OpenWebSocketOptions } from './client.js';
export { ABNORMAL_CLOSURE, WsConnection, type WsClose } from './connection.js';
export { acceptKey, encodeFrame, FrameDecoder, Opcode, WsProtocolError, type WsMessage } from './frames.js';
