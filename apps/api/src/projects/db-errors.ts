// Prisma error codes the feature modules turn into clear HTTP answers.
// P2002: unique constraint; P2003: foreign key (a row still in use, e.g. by a racing insert).
export function isPrismaError(err: unknown, code: 'P2002' | 'P2003' | 'P2025'): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
