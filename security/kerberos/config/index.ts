/**
 * krb5.conf for hsec: the MIT profile parser, the typed configuration, enctype lists and durations.
 */
export { loadKrb5Config, parseKrb5Conf, krb5ConfigFromProfile, realmForHost, kdcsForRealm, realmPath, hierarchicalPath, parseKdcAddress, DEFAULT_KRB5_CONF, KDC_PORT } from './krb5-conf.ts';
export type { Krb5Config, RealmConfig, KdcAddress } from './krb5-conf.ts';
export { parseEnctypeList, DEFAULT_ENCTYPES, type EnctypeList } from './enctypes.ts';
export { resolveServicePrincipal, serviceRealm, hasRealm } from './service-principal.ts';
export { parseDuration } from './duration.ts';
export { parseProfile, readProfileFile, mergeProfile, values, subsections, type ProfileNode } from './profile.ts';
