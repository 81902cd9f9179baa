import type { Pet } from '../pets.js'
import { escapeHtml, page } from './html.js'

/** The stats the stats service reports. */
export interface PetStats {
  readonly pets: number
  readonly adopted: number
  readonly available: number
}

/** The page for visitors: what the app is, and "Log in with PetStore". */
export function homePage(): string {
  return page(
    'Welcome',
    `<h1>PetStore</h1><p>Adopt a pet. Log in first: the PetStore authorization server asks who you are and what this app may do.</p>
<p><a class="button" href="/login?returnTo=%2Fdashboard">Log in with PetStore</a></p>`,
  )
}

/** The dashboard: who is logged in, every pet with an Adopt button, the stats, logout. */
export function dashboardPage(options: {
  readonly user: string
  readonly pets: readonly Pet[]
  readonly stats: PetStats | undefined
  readonly csrf: string
  readonly notice?: string
}): string {
  const { user, pets, stats, csrf, notice } = options
  const rows = pets
    .map(
      (pet) =>
        `<tr><td>${escapeHtml(pet.name)}</td><td>${escapeHtml(pet.tag ?? '')}</td><td data-status="${escapeHtml(pet.status)}">${escapeHtml(pet.status)}</td><td>${
          pet.status === 'available'
            ? `<form class="inline" method="post" action="/adopt"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><input type="hidden" name="petId" value="${escapeHtml(pet.id)}"><button type="submit">Adopt</button></form>`
            : ''
        }</td></tr>`,
    )
    .join('')
  const statsLine =
    stats === undefined
      ? '<p class="muted" id="stats">The stats service is not answering.</p>'
      : `<p class="muted" id="stats">${stats.pets} pets, ${stats.adopted} adopted, ${stats.available} available (from the stats service)</p>`
  return page(
    'Dashboard',
    `<header><h1>PetStore</h1><form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><span id="user">Logged in as <strong>${escapeHtml(user)}</strong></span> <button type="submit">Log out</button></form></header>
${notice === undefined ? '' : `<p role="status">${escapeHtml(notice)}</p>`}
<h2>Pets</h2><table id="pets"><tr><th>Name</th><th>Tag</th><th>Status</th><th></th></tr>${rows}</table>
${statsLine}`,
  )
}

/** A refusal the user can act on (a stale form, a failed call). */
export function problemPage(status: number, message: string): string {
  return page(
    'Problem',
    `<h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/dashboard">Back to the dashboard</a></p>`,
  )
}
