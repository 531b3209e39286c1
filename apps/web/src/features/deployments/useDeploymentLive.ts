import { useQueryClient } from '@tanstack/react-query';
import type { DeploymentView } from '@wharf/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { deploymentKeys } from '../../api/deployments/keys';
import { fetchLogBefore, searchLog } from '../../api/deployments/logs';
import { useLiveConnectionFactory } from '../../api/live/live-context';
import { LiveLogSession, type LiveState } from './live-log-session';
import { LogBuffer } from './log-buffer';
import { LogHistory } from './log-history';

/**
 * Live log and status for one deployment: the log's tail over REST first (a long log opens
 * at its end; `history` pages backwards), then a socket from the tail on for as long as the
 * page is open. Status pushes update the deployment's query cache; a reconnection refetches it.
 */
export function useDeploymentLive(slug: string, deploymentId: string) {
  const qc = useQueryClient();
  const connect = useLiveConnectionFactory();
  const [buffer] = useState(() => new LogBuffer());
  const [history] = useState(
    () =>
      new LogHistory(buffer, {
        before: (before) => fetchLogBefore(slug, deploymentId, before),
        search: (q, afterSeq) => searchLog(slug, deploymentId, q, afterSeq),
      }),
  );
  const [state, setState] = useState<LiveState>({ kind: 'connecting' });
  const session = useRef<LiveLogSession | null>(null);

  useEffect(() => {
    const key = deploymentKeys.detail(slug, deploymentId);
    const s = new LiveLogSession(connect(), deploymentId, buffer, {
      onState: setState,
      onStatus: (view: DeploymentView) => {
        const before = qc.getQueryData<DeploymentView>(key);
        qc.setQueryData(key, view);
        if (before?.state !== view.state) {
          void qc.invalidateQueries({ queryKey: deploymentKeys.lists(slug) });
          void qc.invalidateQueries({ queryKey: deploymentKeys.environmentStatus(slug) });
        }
      },
      onReconnected: () => void qc.invalidateQueries({ queryKey: key }),
    });
    session.current = s;
    let stopped = false;
    // Subscribing from the tail's last seq: the socket sends only what comes after it. If the
    // tail cannot be read, the socket sends the whole log from the start, as it always could.
    void history
      .loadTail()
      .catch(() => undefined)
      .then(() => {
        if (!stopped) s.start();
      });
    return () => {
      stopped = true;
      s.stop();
      session.current = null;
    };
  }, [slug, deploymentId, connect, buffer, history, qc]);

  const retry = useCallback(() => session.current?.retry(), []);
  return { buffer, history, state, retry };
}
