/**
 * Recipes for fitting {@code AioFileChannel} into the frameworks Netty users live in, each tested in this module:
 * {@link io.nettyaio.examples.recipes.FutureRecipes} (CompletionStage and blocking callers),
 * {@link io.nettyaio.examples.recipes.ReactorRecipes} (Reactor and Reactor Netty) and
 * {@link io.nettyaio.examples.recipes.VertxRecipes} (Vert.x 5). The README's "Recipes" section walks through them.
 */
package io.nettyaio.examples.recipes;
