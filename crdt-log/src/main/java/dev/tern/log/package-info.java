/** The generic Bayou-style operation log: timestamps, ops, checkpoints, sync, rewind and replay, garbage collection. */
package dev.tern.log;
