import type { ViteUserConfig } from 'vitest/config'

/** Options of {@link packageTestConfig}. */
export interface PackageTestConfigOptions {
  /** Start one real redis-server on 127.0.0.1 for the run (`inject('redisUrl')`). Default: false. */
  redis?: boolean
}

/**
 * The vitest configuration of one package, so `vitest run` works from the package's folder.
 *
 * @example
 * // packages/store-redis/vitest.config.ts
 * export default packageTestConfig({ redis: true })
 */
export function packageTestConfig(options?: PackageTestConfigOptions): ViteUserConfig
