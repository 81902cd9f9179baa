import { readId, readObject, readOptionalString, readString } from './validation.js'

/** A pet of the store. */
export interface Pet {
  readonly id: number
  readonly name: string
  readonly tag?: string
  readonly status: 'available' | 'adopted'
}

/** The body of `POST /api/pets`. */
export interface NewPet {
  readonly name: string
  readonly tag?: string
}

/** An adoption, recorded with the `sub` of the token that asked for it. */
export interface Adoption {
  readonly id: number
  readonly petId: number
  /** The `sub` claim of the access token: taken from the token, never from the body. */
  readonly adopter: string
  readonly adoptedAt: string
}

/** What {@link PetStore.adopt} answers. */
export type AdoptionResult =
  | { readonly ok: true; readonly adoption: Adoption }
  | { readonly ok: false; readonly reason: 'pet_not_found' | 'already_adopted' }

/** An in-memory pet store; each app gets its own unless one is passed in. */
export interface PetStore {
  listPets(): readonly Pet[]
  /** Adds a pet, or answers `undefined` when the store already holds `maxPets`. */
  addPet(pet: NewPet): Pet | undefined
  adopt(petId: number, adopter: string): AdoptionResult
  listAdoptions(): readonly Adoption[]
}

/** Options of {@link createPetStore}. */
export interface PetStoreOptions {
  /** Pets the store starts with. Default: two, Rex and Tom. */
  pets?: readonly NewPet[]
  /** Most pets kept, so a client cannot fill the memory. Default: 10000. */
  maxPets?: number
  /** Clock in milliseconds, for `adoptedAt`. Default: `Date.now`. */
  now?: () => number
}

const SEED_PETS: readonly NewPet[] = [
  { name: 'Rex', tag: 'dog' },
  { name: 'Tom', tag: 'cat' },
]

/**
 * Creates an in-memory pet store.
 *
 * @example
 * const store = createPetStore({ pets: [] })
 * store.addPet({ name: 'Biscuit' })
 */
export function createPetStore(options: PetStoreOptions = {}): PetStore {
  const { maxPets = 10_000, now = Date.now } = options
  const pets = new Map<number, Pet>()
  const adoptions: Adoption[] = []
  let nextPetId = 1

  const store: PetStore = {
    listPets: () => [...pets.values()],
    addPet(input) {
      if (pets.size >= maxPets) return undefined
      const pet: Pet = Object.freeze({
        id: nextPetId++,
        name: input.name,
        ...(input.tag === undefined ? {} : { tag: input.tag }),
        status: 'available',
      })
      pets.set(pet.id, pet)
      return pet
    },
    adopt(petId, adopter) {
      const pet = pets.get(petId)
      if (pet === undefined) return { ok: false, reason: 'pet_not_found' }
      if (pet.status === 'adopted') return { ok: false, reason: 'already_adopted' }
      pets.set(petId, Object.freeze({ ...pet, status: 'adopted' }))
      const adoption: Adoption = Object.freeze({
        id: adoptions.length + 1,
        petId,
        adopter,
        adoptedAt: new Date(now()).toISOString(),
      })
      adoptions.push(adoption)
      return { ok: true, adoption }
    },
    listAdoptions: () => [...adoptions],
  }
  for (const pet of options.pets ?? SEED_PETS) store.addPet(pet)
  return store
}

/**
 * Validates the body of `POST /api/pets`: `name` (1-64 characters) and an optional `tag`
 * (1-32 characters), nothing else. Throws a {@link ValidationError} naming the field.
 */
export function parseNewPet(body: unknown): NewPet {
  const fields = readObject(body, ['name', 'tag'])
  const name = readString(fields, 'name', 64)
  const tag = readOptionalString(fields, 'tag', 32)
  return tag === undefined ? { name } : { name, tag }
}

/**
 * Validates the body of `POST /api/adoptions`: `petId`, a positive integer, nothing else.
 * The adopter comes from the token, so an `adopter` field is refused like any unknown one.
 */
export function parseAdoptionRequest(body: unknown): { petId: number } {
  const fields = readObject(body, ['petId'])
  return { petId: readId(fields, 'petId') }
}
