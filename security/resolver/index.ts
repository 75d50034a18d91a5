/** SASL properties resolvers: the contract, the default resolver and the registry. */
export * from './sasl-properties-resolver.ts';
export * from './registry.ts';
