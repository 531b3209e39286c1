// Feature modules of the HTTP role, one per domain. Each lives in its own folder.
import type { Type } from '@nestjs/common';

export const FEATURE_MODULES: Type[] = [];
