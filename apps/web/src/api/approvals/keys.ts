export const approvalKeys = {
  /** Releases across projects waiting for an approval the signed-in person may give. */
  queue: () => ['approvals', 'queue'] as const,
  /** The signed-in person's own releases waiting for approval. */
  requested: () => ['approvals', 'requested'] as const,
};
