package dev.tern.log;

/**
 * What a sync or an append changed: {@code newOps} ops learnt, and whether the state was rebuilt
 * from an earlier point (an op sorted before ops already applied, a newer checkpoint was adopted,
 * or an op disappeared) rather than only extended.
 */
public record LogChange(int newOps, boolean rebuilt) {}
