/**
 * Builds a route's guards from its config (signed bodies, schemas).
 */
import type { RouteConfig } from '../../config/schema.js';
import type { RouteGuard } from './guard.js';

export function compileGuards(_route: RouteConfig, _index: number): RouteGuard[] {
  return [];
}
