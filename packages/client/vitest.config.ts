import { packageTestConfig } from '@tokenguard/test-support/vitest-config'

export default packageTestConfig({ redis: true })
