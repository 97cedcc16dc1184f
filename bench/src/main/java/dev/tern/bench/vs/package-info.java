/**
 * Tern beside another IMAP server (Dovecot), both reached over the network and measured through
 * their processes: the memory figures of the side-by-side benchmark.
 */
package dev.tern.bench.vs;
