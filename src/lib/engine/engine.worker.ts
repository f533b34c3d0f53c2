/**
 * The engine's Web Worker entry: exposes createEngine over Comlink. Nothing else belongs here.
 */
import * as Comlink from 'comlink';
import { openSliceDb } from '$lib/db/slice-db';
import { createEngine } from './engine';

Comlink.expose(createEngine({ db: openSliceDb() }));
