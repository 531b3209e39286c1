export const approvalKeys = {
  /** Releases across projects waiting for an approval the signed-in person may give. */
  queue: () => ['approvals', 'queue'] as const,
};
