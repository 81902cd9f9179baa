import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorLike } from '@tokenguard/test-support/errors'
import { describe, expect, it, onTestFinished } from 'vitest'
import { explainListenError } from '../src/listen-error.js'
import { main } from '../src/main.js'

describe('main', () => {
  it('rejects naming the PORT variable that moves the API when its port is taken', async () => {
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => squatter.close(() => resolve())))
    const { port } = squatter.address() as AddressInfo
    const message = new RegExp(
      `^127\\.0\\.0\\.1:${port} is already in use \\(EADDRINUSE\\): set PORT to move the API, ` +
        'e\\.g\\. PORT=300[12] npx -y pnpm@10 start, or PORT=0 for any free port$',
    )
    await expect(main({ PORT: String(port), HOST: '127.0.0.1' })).rejects.toThrow(
      errorLike(Error, message),
    )
  })
})

describe('explainListenError', () => {
  it('names HOST when the address is not one of this machine', () => {
    const error = Object.assign(new Error('listen EADDRNOTAVAIL'), { code: 'EADDRNOTAVAIL' })
    const explained = explainListenError(error, { host: '192.0.2.1', port: 3000 })
    expect(explained).toEqual(errorLike(Error, /^192\.0\.2\.1 is not an address .*set HOST/))
    expect((explained as Error).cause).toBe(error)
  })

  it('returns any other error as it is', () => {
    const error = new TypeError('petstore: PUBLIC_ORIGIN must be an origin')
    expect(explainListenError(error, {})).toBe(error)
  })
})
