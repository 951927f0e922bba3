/** The portal's public origin (PORTAL_PUBLIC_URL), from which the IdP redirect and ACS URLs are built. */
export const PUBLIC_BASE_URL = Symbol('PUBLIC_BASE_URL');
