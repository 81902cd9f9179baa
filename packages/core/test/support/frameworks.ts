import type { RequestListener } from 'node:http'
import connect from 'connect'
import express from 'express'
import express4 from 'express4'
import type { ErrorMiddleware, Middleware } from '@tokenguard/core'

/** A framework under test: builds an app that runs the given middleware, then error handlers. */
export interface Framework {
  readonly name: string
  app(
    middleware: readonly Middleware[],
    errorMiddleware?: readonly ErrorMiddleware[],
  ): RequestListener
}

/** Express 5, Express 4 and Connect, each with its own default error handler. */
export const frameworks: readonly Framework[] = [
  {
    name: 'Express 5',
    app(middleware, errorMiddleware = []) {
      const app = express()
      for (const fn of middleware) app.use(fn)
      for (const fn of errorMiddleware) app.use(fn)
      return app
    },
  },
  {
    name: 'Express 4',
    app(middleware, errorMiddleware = []) {
      const app = express4()
      for (const fn of middleware) app.use(fn)
      for (const fn of errorMiddleware) app.use(fn)
      return app
    },
  },
  {
    name: 'Connect',
    app(middleware, errorMiddleware = []) {
      const app = connect()
      for (const fn of middleware) app.use(fn)
      for (const fn of errorMiddleware) app.use(fn)
      return app
    },
  },
]
