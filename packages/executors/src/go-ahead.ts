// The signal a remote command opened ahead of time waits for (remote-exec's startWhen): its sshd
// session and shell start early, off the critical path, and it runs only once told to.

export interface GoAhead {
  /** What the command waits for: true runs it, false closes it unused. */
  when: Promise<boolean>;
  /** Settles `when`; later calls change nothing. */
  go: (run: boolean) => void;
}

export function goAhead(): GoAhead {
  let go: (run: boolean) => void = () => undefined;
  const when = new Promise<boolean>((resolve) => (go = resolve));
  return { when, go };
}
