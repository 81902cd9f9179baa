// PEER (for comparison only): the seeds' ServiceTokenManager as the tutorial writes it — a
// cached client-credentials token, refreshed when it is within 60 s of expiry, with no
// coordination between callers: every caller that finds it expired asks for a new one.

/** The tutorial's token manager, one token endpoint, client secret basic. */
export class ServiceTokenManager {
  private token: string | undefined
  private expiresAt = 0

  constructor(
    private readonly tokenEndpoint: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    private readonly scope: string,
  ) {}

  /** Forces the next call to see an expired token, as a clock past `exp` would. */
  expire(): void {
    this.expiresAt = 0
  }

  async getToken(): Promise<string> {
    if (this.token !== undefined && Date.now() < this.expiresAt - 60_000) return this.token
    const response = await fetch(this.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: this.scope }),
    })
    const body = (await response.json()) as { access_token: string; expires_in: number }
    this.token = body.access_token
    this.expiresAt = Date.now() + body.expires_in * 1000
    return this.token
  }
}
