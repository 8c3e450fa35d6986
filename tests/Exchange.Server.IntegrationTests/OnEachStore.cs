using Xunit.Abstractions;

namespace Exchange.Server.IntegrationTests;

// The same tests on each store provider: one concrete class per provider and test class.

public sealed class ChangeFeedIsResumableOnSqlite(SqliteHub hub) : ChangeFeedIsResumable(hub), IClassFixture<SqliteHub>;
public sealed class ChangeFeedIsResumableOnPostgres(PostgresHub hub) : ChangeFeedIsResumable(hub), IClassFixture<PostgresHub>;

public sealed class CoverageAnswersMatchTheTruthOnSqlite(SqliteHub hub, ITestOutputHelper output) : CoverageAnswersMatchTheTruth(hub, output), IClassFixture<SqliteHub>;
public sealed class CoverageAnswersMatchTheTruthOnPostgres(PostgresHub hub, ITestOutputHelper output) : CoverageAnswersMatchTheTruth(hub, output), IClassFixture<PostgresHub>;

public sealed class FailedPushesLoseNothingAcknowledgedOnSqlite(SqliteHub hub) : FailedPushesLoseNothingAcknowledged(hub), IClassFixture<SqliteHub>;
public sealed class FailedPushesLoseNothingAcknowledgedOnPostgres(PostgresHub hub) : FailedPushesLoseNothingAcknowledged(hub), IClassFixture<PostgresHub>;

public sealed class MutualTlsIsRequiredOnSqlite(SqliteHub hub) : MutualTlsIsRequired(hub), IClassFixture<SqliteHub>;
public sealed class MutualTlsIsRequiredOnPostgres(PostgresHub hub) : MutualTlsIsRequired(hub), IClassFixture<PostgresHub>;

public sealed class OperationsEndpointsOnSqlite(SqliteHub hub) : OperationsEndpoints(hub), IClassFixture<SqliteHub>;
public sealed class OperationsEndpointsOnPostgres(PostgresHub hub) : OperationsEndpoints(hub), IClassFixture<PostgresHub>;

public sealed class PersonsAreReconciledOnSqlite(SqliteHub hub) : PersonsAreReconciled(hub), IClassFixture<SqliteHub>;
public sealed class PersonsAreReconciledOnPostgres(PostgresHub hub) : PersonsAreReconciled(hub), IClassFixture<PostgresHub>;

public sealed class PushStoresRecordsOnSqlite(SqliteHub hub) : PushStoresRecords(hub), IClassFixture<SqliteHub>;
public sealed class PushStoresRecordsOnPostgres(PostgresHub hub) : PushStoresRecords(hub), IClassFixture<PostgresHub>;

public sealed class ReviewDecisionsAreStickyOnSqlite(SqliteHub hub) : ReviewDecisionsAreSticky(hub), IClassFixture<SqliteHub>;
public sealed class ReviewDecisionsAreStickyOnPostgres(PostgresHub hub) : ReviewDecisionsAreSticky(hub), IClassFixture<PostgresHub>;

public sealed class RelinkAgreesWithOnlineLinkingOnSqlite(SqliteHub hub) : RelinkAgreesWithOnlineLinking(hub), IClassFixture<SqliteHub>;
public sealed class RelinkAgreesWithOnlineLinkingOnPostgres(PostgresHub hub) : RelinkAgreesWithOnlineLinking(hub), IClassFixture<PostgresHub>;

public sealed class RolesAndRegionsAreEnforcedOnSqlite(SqliteHub hub) : RolesAndRegionsAreEnforced(hub), IClassFixture<SqliteHub>;
public sealed class RolesAndRegionsAreEnforcedOnPostgres(PostgresHub hub) : RolesAndRegionsAreEnforced(hub), IClassFixture<PostgresHub>;

public sealed class TokensAndAdministrationOnSqlite(SqliteHub hub) : TokensAndAdministration(hub), IClassFixture<SqliteHub>;
public sealed class TokensAndAdministrationOnPostgres(PostgresHub hub) : TokensAndAdministration(hub), IClassFixture<PostgresHub>;

public sealed class SeparateTokenServerOnSqlite(SqliteHub hub) : SeparateTokenServer(hub), IClassFixture<SqliteHub>;
public sealed class SeparateTokenServerOnPostgres(PostgresHub hub) : SeparateTokenServer(hub), IClassFixture<PostgresHub>;

public sealed class AuditLogRecordsEveryCallOnSqlite(SqliteHub hub) : AuditLogRecordsEveryCall(hub), IClassFixture<SqliteHub>;
public sealed class AuditLogRecordsEveryCallOnPostgres(PostgresHub hub) : AuditLogRecordsEveryCall(hub), IClassFixture<PostgresHub>;

public sealed class FindPersonsRanksByNameAndBirthDateOnSqlite(SqliteHub hub) : FindPersonsRanksByNameAndBirthDate(hub), IClassFixture<SqliteHub>;
public sealed class FindPersonsRanksByNameAndBirthDateOnPostgres(PostgresHub hub) : FindPersonsRanksByNameAndBirthDate(hub), IClassFixture<PostgresHub>;
