export const WHARF_VERSION = '0.1.0';
