/**
 * The teams as a SQL relation `(id, name)`, for the team labels of usage reports (joined after
 * grouping, in the report's one statement). The teams lib owns the table and depends on metering,
 * so metering declares the token and the teams lib provides the relation (`TeamPortsModule`,
 * global once `TeamsModule` is imported); an app that reports usage without it fails at boot.
 */
export const TEAMS_RELATION = Symbol('TEAMS_RELATION');
