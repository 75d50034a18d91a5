/** SASL properties resolvers: the contract, the decision points, the default and whitelist resolvers, principal rules, the registry. */
export * from './sasl-properties-resolver.ts';
export * from './decision.ts';
export * from './decide.ts';
export * from './list-source.ts';
export * from './list-problems.ts';
export { WhitelistBasedResolver, type WhitelistResolverOptions } from './whitelist-based-resolver.ts';
export { PrincipalRulesResolver, type PrincipalRulesOptions } from './principal-rules-resolver.ts';
export { checkNegotiated, parsePrincipalRules, PrincipalRuleSet, PRIVATE_QOP } from './principal-rules.ts';
export * from './registry.ts';
