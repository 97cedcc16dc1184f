/** The object store: S3 semantics over an embedded directory, memory, or any S3-compatible server. */
package dev.tern.storage;
