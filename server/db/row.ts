import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';

/** TypeORM's deep-partial type cannot see through JSON columns typed as records; the entity type still checks the shape. */
export function row<T>(value: Partial<T>): QueryDeepPartialEntity<T> {
  return value as QueryDeepPartialEntity<T>;
}
