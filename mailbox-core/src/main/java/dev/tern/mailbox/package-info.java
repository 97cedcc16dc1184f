/** Accounts, the mailbox list, the UID index state machine, message blobs and summaries, per-session views. */
package dev.tern.mailbox;
