/**
 * The storage port on JDBC: {@link org.ippan.l2.storage.jdbc.JdbcStorage} on SQLite (the embedded default) or
 * PostgreSQL (a store shared by a leader and its followers), and the lease port on the same databases,
 * {@link org.ippan.l2.storage.jdbc.JdbcLeaseStore}. The JDBC drivers are not required here: they are
 * found by name and through {@link java.sql.DriverManager}'s service loading.
 */
// "l2" (layer 2) is the project's name, not a version number, so the lint's advice against terminal digits
// in module name components does not apply.
@SuppressWarnings("module")
module org.ippan.l2.storage.jdbc {
    requires transitive org.ippan.l2.storage.spi;
    requires transitive org.ippan.l2.lease.spi;
    requires java.sql;
    requires org.slf4j;

    exports org.ippan.l2.storage.jdbc;
}
