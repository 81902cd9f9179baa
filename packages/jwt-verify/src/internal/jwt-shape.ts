// The one definition of "JWT-shaped" lives in core, whose token extraction needs it too.
export { isJwtShaped } from '@tokenguard/core/internal'
