import { useQueryClient } from '@tanstack/react-query';
import type { DeploymentView } from '@wharf/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { deploymentKeys } from '../../api/deployments/keys';
import { useLiveConnectionFactory } from '../../api/live/live-context';
import { LiveLogSession, type LiveState } from './live-log-session';
import { LogBuffer } from './log-buffer';

/**
 * Live log and status for one deployment: a socket for as long as the page is open.
 * Status pushes update the deployment's query cache; a reconnection refetches it.
 */
export function useDeploymentLive(slug: string, deploymentId: string) {
  const qc = useQueryClient();
  const connect = useLiveConnectionFactory();
  const [buffer] = useState(() => new LogBuffer());
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
    s.start();
    return () => {
      s.stop();
      session.current = null;
    };
  }, [slug, deploymentId, connect, buffer, qc]);

  const retry = useCallback(() => session.current?.retry(), []);
  return { buffer, state, retry };
}
