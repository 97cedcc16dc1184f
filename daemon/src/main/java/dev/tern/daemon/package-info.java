/** The {@code tern} command: CLI, configuration, wiring of the stores and front ends. */
package dev.tern.daemon;
