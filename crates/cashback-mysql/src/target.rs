//! Which server and database a `mysql://` (or `mariadb://`) URL names.
//!
//! `mysql://user:password@host:port/database?socket=/path/mysqld.sock&table_prefix=shop_`:
//! user and password are percent-decoded; the port defaults to 3306; `socket`
//! connects through a local socket instead of TCP. The password is kept here
//! and in the connection options only: [`Target::location`] never shows it.

use cashback_core::{
    code::Code,
    error::{LedgerError, Result},
};
use percent_encoding::percent_decode_str;
use url::Url;

/// The tables' prefix when neither the URL nor the options name one (Bitrix's convention for local tables).
pub const DEFAULT_TABLE_PREFIX: &str = "local_cashback_";
/// The longest table prefix: the longest table name (`auth_failures`) must stay within MySQL's 64 characters.
pub const MAX_TABLE_PREFIX: usize = 32;
const DEFAULT_PORT: u16 = 3306;
const SCHEMES: [&str; 2] = ["mysql", "mariadb"];

/// A server, a database on it, and the prefix of the ledger's tables.
#[derive(Clone, PartialEq, Eq)]
pub struct Target {
    /// `mysql` or `mariadb`, as written.
    pub scheme: String,
    /// Host name or address (TCP); `None` with a socket.
    pub host: Option<String>,
    /// TCP port.
    pub port: u16,
    /// Local socket path, instead of TCP.
    pub socket: Option<String>,
    /// Login.
    pub user: String,
    /// Password (never shown).
    pub password: Option<String>,
    /// Database (schema) name.
    pub database: String,
    /// Prefix of every table.
    pub table_prefix: String,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.location())
    }
}

/// Whether `text` names a MariaDB/MySQL database rather than a SQLite file.
pub fn is_url(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    SCHEMES.iter().any(|scheme| lower.starts_with(&format!("{scheme}://")))
}

/// A database setting as it may be shown (`php --ri`, logs): a URL without its
/// password, a file path as it is.
pub fn shown(setting: &str) -> String {
    if !is_url(setting) {
        return setting.to_owned();
    }
    match Target::parse(setting, None) {
        Ok(target) => target.location(),
        // Unparsable: keep the scheme only, the rest may hold a password.
        Err(_) => format!("{}://(a URL that does not parse)", setting.trim().split("://").next().unwrap_or("mysql")),
    }
}

fn invalid(message: impl Into<String>) -> LedgerError {
    LedgerError::refused(Code::InvalidPath, format!("database URL: {}", message.into()))
}

fn decoded(part: &str, what: &str) -> Result<String> {
    percent_decode_str(part)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| invalid(format!("the {what} is not UTF-8 once percent-decoded")))
}

/// Whether `prefix` can start a table name unquoted: letters, digits and `_`, at most [`MAX_TABLE_PREFIX`].
pub fn is_valid_table_prefix(prefix: &str) -> bool {
    prefix.len() <= MAX_TABLE_PREFIX && prefix.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

impl Target {
    /// Reads a URL; `table_prefix` (an option of the caller) wins over the URL's.
    ///
    /// # Errors
    /// `invalid_path` naming what is wrong (never echoing the password).
    pub fn parse(text: &str, table_prefix: Option<&str>) -> Result<Self> {
        // Parse errors of the url crate do not contain the input, so they may be shown.
        let url = Url::parse(text.trim()).map_err(|error| invalid(error.to_string()))?;
        let scheme = url.scheme().to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(invalid(format!("the scheme must be mysql:// or mariadb://, not {scheme}://")));
        }
        let user = decoded(url.username(), "user")?;
        if user.is_empty() {
            return Err(invalid("no user: mysql://USER:PASSWORD@HOST:PORT/DATABASE"));
        }
        let password = url.password().map(|password| decoded(password, "password")).transpose()?;
        let database = decoded(url.path().trim_start_matches('/'), "database")?;
        if database.is_empty() || database.contains('/') {
            return Err(invalid("name one database after the host: mysql://USER:PASSWORD@HOST:PORT/DATABASE"));
        }
        let mut socket = None;
        let mut url_prefix = None;
        for (name, value) in url.query_pairs() {
            match name.as_ref() {
                "socket" if !value.is_empty() => socket = Some(value.into_owned()),
                "table_prefix" => url_prefix = Some(value.into_owned()),
                other => return Err(invalid(format!("unknown parameter {other:?} (known: socket, table_prefix)"))),
            }
        }
        let host = url.host_str().filter(|host| !host.is_empty()).map(|host| host.trim_matches(['[', ']']).to_owned());
        if host.is_none() && socket.is_none() {
            return Err(invalid("no host: name one, or a local socket with ?socket=/path/to/mysqld.sock"));
        }
        let table_prefix =
            table_prefix.map(str::to_owned).or(url_prefix).unwrap_or_else(|| DEFAULT_TABLE_PREFIX.into());
        if !is_valid_table_prefix(&table_prefix) {
            return Err(LedgerError::refused(
                Code::InvalidOption,
                format!("table_prefix: letters, digits and _ only, at most {MAX_TABLE_PREFIX} characters"),
            ));
        }
        Ok(Self {
            scheme,
            port: url.port().unwrap_or(DEFAULT_PORT),
            host: if socket.is_some() { None } else { host },
            socket,
            user,
            password,
            database,
            table_prefix,
        })
    }

    /// Where the ledger is, without the password: `mysql://user@host:port/database`.
    pub fn location(&self) -> String {
        let mut location = format!("{}://{}@", self.scheme, self.user);
        match (&self.host, &self.socket) {
            (_, Some(socket)) => location.push_str(&format!("localhost/{}?socket={socket}", self.database)),
            (Some(host), None) if host.contains(':') => {
                location.push_str(&format!("[{host}]:{}/{}", self.port, self.database));
            }
            (Some(host), None) => location.push_str(&format!("{host}:{}/{}", self.port, self.database)),
            (None, None) => location.push_str(&self.database),
        }
        if self.table_prefix != DEFAULT_TABLE_PREFIX {
            location.push_str(if self.socket.is_some() { "&" } else { "?" });
            location.push_str(&format!("table_prefix={}", self.table_prefix));
        }
        location
    }

    /// The key of this target's connections in a process: everything that
    /// makes a connection different, the password included (never shown).
    pub(crate) fn cache_key(&self) -> String {
        format!("{}\u{0}{}", self.location(), self.password.as_deref().unwrap_or(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_part_and_never_shows_the_password() {
        let target = Target::parse("mysql://bitrix%40shop:p%40ss%3Aw%2Frd@db.local:3307/site", None).unwrap();
        assert_eq!(target.user, "bitrix@shop");
        assert_eq!(target.password.as_deref(), Some("p@ss:w/rd"));
        assert_eq!((target.host.as_deref(), target.port, target.database.as_str()), (Some("db.local"), 3307, "site"));
        assert_eq!(target.table_prefix, DEFAULT_TABLE_PREFIX);
        assert_eq!(target.location(), "mysql://bitrix@shop@db.local:3307/site");
        assert!(!format!("{target:?}").contains("p@ss"));
    }

    #[test]
    fn a_socket_replaces_the_host_and_the_prefix_can_be_set_twice() {
        let target =
            Target::parse("MariaDB://u:x@localhost/site?socket=/run/mysqld/mysqld.sock&table_prefix=a_", None).unwrap();
        assert_eq!((target.scheme.as_str(), target.host.as_deref()), ("mariadb", None));
        assert_eq!(target.socket.as_deref(), Some("/run/mysqld/mysqld.sock"));
        assert_eq!(target.table_prefix, "a_");
        assert_eq!(Target::parse("mysql://u@127.0.0.1/site?table_prefix=a_", Some("b_")).unwrap().table_prefix, "b_");
        assert_eq!(Target::parse("mysql://u@127.0.0.1/site", None).unwrap().port, 3306);
        assert_eq!(Target::parse("mysql://u@[::1]:3310/site", None).unwrap().location(), "mysql://u@[::1]:3310/site");
    }

    #[test]
    fn a_broken_url_is_refused_naming_its_fault_but_not_its_password() {
        for (url, fault) in [
            ("mysql://:secret-pw@host/db", "no user"),
            ("mysql://u:secret-pw@host", "name one database"),
            ("mysql://u:secret-pw@host/db/more", "name one database"),
            ("mysql://u:secret-pw@host/db?sockte=/x", "unknown parameter \"sockte\""),
            ("postgres://u:secret-pw@host/db", "scheme"),
            ("mysql://u:secret-pw@host:notaport/db", "invalid port"),
        ] {
            let error = Target::parse(url, None).unwrap_err();
            assert_eq!(error.code(), Code::InvalidPath, "{url}");
            assert!(error.to_string().contains(fault), "{url}: {error}");
            assert!(!error.to_string().contains("secret-pw"), "{url}: {error}");
        }
        let error = Target::parse("mysql://u@h/db", Some("bad-prefix")).unwrap_err();
        assert_eq!(error.code(), Code::InvalidOption);
        assert!(is_url(" mariadb://u@h/db") && is_url("MYSQL://u@h/db") && !is_url("/var/lib/cashback.db"));
    }

    #[test]
    fn a_setting_is_shown_without_its_password() {
        assert_eq!(shown("mysql://u:secret-pw@h:3307/db"), "mysql://u@h:3307/db");
        assert_eq!(shown("mysql://u:secret-pw@h:port/db"), "mysql://(a URL that does not parse)");
        assert_eq!(shown("/var/lib/cashback/cashback.db"), "/var/lib/cashback/cashback.db");
    }
}
