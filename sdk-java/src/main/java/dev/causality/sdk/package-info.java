/**
 * The Causality Java SDK: tracks events from Java services to a Causality server without slowing
 * them down. Start at {@link dev.causality.sdk.Causality#builder(String)}; the typed event catalog
 * is {@link dev.causality.sdk.Events}. No dependencies beyond the JDK.
 */
package dev.causality.sdk;
