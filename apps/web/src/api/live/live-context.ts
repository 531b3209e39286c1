import { createContext, useContext } from 'react';
import { connectLive, type LiveConnectionFactory } from './live-connection';

/** How pages open a live connection; tests provide a scripted one. */
export const LiveConnectionContext = createContext<LiveConnectionFactory>(connectLive);

export function useLiveConnectionFactory(): LiveConnectionFactory {
  return useContext(LiveConnectionContext);
}
