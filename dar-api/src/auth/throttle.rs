//! Slowing down password guessing (README "Login throttling").
//!
//! Two counters of failed password checks, each with an exponential back-off once its free
//! failures are used up:
//! - per **source address** (an IPv6 address counts by its /64): guessing or spraying from
//!   one place. A success does not reset it, or an attacker's own account would wash it
//!   clean between guesses; it is forgotten after a quiet period.
//! - per **account** (the normalised email, whether or not such a user exists, so the
//!   answer does not tell): guessing one account from many places. A success resets it.
//!   So that it is not a lever to lock a real user out, it never applies to an address
//!   that has logged in to that account before, and its back-off is short.
//!
//! State is in memory, per instance. Throttling is a brake, not an invariant: with N
//! instances behind a balancer an attacker gets at most N times the rate, and a restart
//! forgets the counters (and the known addresses: a user then waits at most one account
//! back-off). Keeping it in the database would cost a write per failed attempt on the
//! path an attacker floods, on SQLite the single writer the register needs.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The rule's numbers (README "Login throttling"); tests use short durations.
#[derive(Clone, Debug)]
pub struct ThrottleSettings {
    /// Failures of one account, from addresses that never logged in to it, before it
    /// waits.
    pub account_free_failures: u32,
    /// Failures from one address, over all accounts, before it waits.
    pub address_free_failures: u32,
    /// The first wait; each further failure doubles it.
    pub first_backoff: Duration,
    pub max_account_backoff: Duration,
    pub max_address_backoff: Duration,
    /// Failures are forgotten this long after the last one.
    pub forget_after: Duration,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            account_free_failures: 5,
            address_free_failures: 20,
            first_backoff: Duration::from_secs(1),
            max_account_backoff: Duration::from_secs(60),
            max_address_backoff: Duration::from_secs(300),
            forget_after: Duration::from_secs(15 * 60),
        }
    }
}

/// Which counter refused or started throttling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Account,
    Address,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

/// An attempt refused without looking at the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub scope: Scope,
    pub retry_after: Duration,
}

/// A failure that used up the free ones: from now on the scope waits (audited once).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Started {
    pub scope: Scope,
    pub failures: u32,
    pub backoff: Duration,
}

#[derive(Debug)]
struct Counter {
    failures: u32,
    last_failure: Option<Instant>,
    blocked_until: Option<Instant>,
}

impl Counter {
    fn new() -> Self {
        Counter {
            failures: 0,
            last_failure: None,
            blocked_until: None,
        }
    }

    fn forget_if_quiet(&mut self, now: Instant, forget_after: Duration) {
        if self
            .last_failure
            .is_some_and(|at| now.saturating_duration_since(at) >= forget_after)
        {
            *self = Counter::new();
        }
    }

    fn wait(&self, now: Instant) -> Option<Duration> {
        self.blocked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// Counts a failure; past the free ones, blocks for a doubling back-off.
    fn fail(
        &mut self,
        scope: Scope,
        now: Instant,
        free: u32,
        first: Duration,
        max: Duration,
    ) -> Option<Started> {
        self.failures = self.failures.saturating_add(1);
        self.last_failure = Some(now);
        if self.failures < free {
            return None;
        }
        let doublings = (self.failures - free).min(30);
        let backoff = first.saturating_mul(1 << doublings).min(max);
        self.blocked_until = Some(now + backoff);
        (self.failures == free).then_some(Started {
            scope,
            failures: self.failures,
            backoff,
        })
    }

    fn idle(&self, now: Instant, forget_after: Duration) -> bool {
        self.wait(now).is_none()
            && self
                .last_failure
                .is_none_or(|at| now.saturating_duration_since(at) >= forget_after)
    }
}

#[derive(Debug)]
struct AccountState {
    counter: Counter,
    /// Addresses that logged in to the account, most recent last.
    known: VecDeque<IpAddr>,
    last_seen: Instant,
}

const KNOWN_ADDRESSES: usize = 8;

/// Entries per map before idle ones are dropped (then the oldest): a flood of made-up
/// emails or addresses costs bounded memory.
const MAX_ENTRIES: usize = 100_000;

#[derive(Debug, Default)]
pub struct LoginThrottle {
    settings: ThrottleSettings,
    accounts: Mutex<HashMap<String, AccountState>>,
    addresses: Mutex<HashMap<IpAddr, (Counter, Instant)>>,
}

/// The key of an address: IPv4 as is, IPv6 by its /64 (one subscriber's whole network).
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
        },
        v4 => v4,
    }
}

impl LoginThrottle {
    pub fn new(settings: ThrottleSettings) -> Self {
        LoginThrottle {
            settings,
            ..Default::default()
        }
    }

    /// Whether a password may be checked for `account` from `address` now.
    pub fn check(
        &self,
        account: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Blocked> {
        let s = &self.settings;
        let address = address.map(address_key);
        if let Some(ip) = address {
            let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((counter, _)) = addresses.get_mut(&ip) {
                counter.forget_if_quiet(now, s.forget_after);
                if let Some(retry_after) = counter.wait(now) {
                    return Err(Blocked {
                        scope: Scope::Address,
                        retry_after,
                    });
                }
            }
        }
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(state) = accounts.get_mut(account) {
            state.counter.forget_if_quiet(now, s.forget_after);
            let known = address.is_some_and(|ip| state.known.contains(&ip));
            if let Some(retry_after) = state.counter.wait(now).filter(|_| !known) {
                return Err(Blocked {
                    scope: Scope::Account,
                    retry_after,
                });
            }
        }
        Ok(())
    }

    /// Counts a wrong password; returns the counters that start waiting with this failure.
    pub fn failed(&self, account: &str, address: Option<IpAddr>, now: Instant) -> Vec<Started> {
        let s = &self.settings;
        let address = address.map(address_key);
        let mut started = Vec::new();
        if let Some(ip) = address {
            let mut addresses = self.addresses.lock().unwrap_or_else(|e| e.into_inner());
            make_room(&mut addresses, &ip, |(c, seen)| {
                (c.idle(now, s.forget_after), *seen)
            });
            let (counter, seen) = addresses.entry(ip).or_insert_with(|| (Counter::new(), now));
            *seen = now;
            counter.forget_if_quiet(now, s.forget_after);
            started.extend(counter.fail(
                Scope::Address,
                now,
                s.address_free_failures,
                s.first_backoff,
                s.max_address_backoff,
            ));
        }
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        make_room(&mut accounts, account, |a| {
            (
                a.counter.idle(now, s.forget_after) && a.known.is_empty(),
                a.last_seen,
            )
        });
        let state = accounts
            .entry(account.to_string())
            .or_insert_with(|| AccountState {
                counter: Counter::new(),
                known: VecDeque::new(),
                last_seen: now,
            });
        state.last_seen = now;
        let known = address.is_some_and(|ip| state.known.contains(&ip));
        // A known address is throttled by its address counter only; its mistyped passwords
        // must not slow the account down for everyone else.
        if !known {
            state.counter.forget_if_quiet(now, s.forget_after);
            started.extend(state.counter.fail(
                Scope::Account,
                now,
                s.account_free_failures,
                s.first_backoff,
                s.max_account_backoff,
            ));
        }
        started
    }

    /// A right password: the account's failures are forgiven and the address becomes
    /// known to it. The address counter stays (see the module comment).
    pub fn succeeded(&self, account: &str, address: Option<IpAddr>, now: Instant) {
        let s = &self.settings;
        let mut accounts = self.accounts.lock().unwrap_or_else(|e| e.into_inner());
        make_room(&mut accounts, account, |a| {
            (
                a.counter.idle(now, s.forget_after) && a.known.is_empty(),
                a.last_seen,
            )
        });
        let state = accounts
            .entry(account.to_string())
            .or_insert_with(|| AccountState {
                counter: Counter::new(),
                known: VecDeque::new(),
                last_seen: now,
            });
        state.last_seen = now;
        state.counter = Counter::new();
        if let Some(ip) = address.map(address_key) {
            state.known.retain(|known| *known != ip);
            if state.known.len() == KNOWN_ADDRESSES {
                state.known.pop_front();
            }
            state.known.push_back(ip);
        }
    }
}

/// Before inserting `key` into a full map: drops idle entries, then the least recently
/// seen one if none was idle.
fn make_room<K, Q, V>(
    map: &mut HashMap<K, V>,
    key: &Q,
    idle_and_seen: impl Fn(&V) -> (bool, Instant),
) where
    K: Borrow<Q> + std::hash::Hash + Eq + Clone,
    Q: std::hash::Hash + Eq + ?Sized,
{
    if map.len() < MAX_ENTRIES || map.contains_key(key) {
        return;
    }
    map.retain(|_, v| !idle_and_seen(v).0);
    if map.len() >= MAX_ENTRIES
        && let Some(oldest) = map
            .iter()
            .min_by_key(|(_, v)| idle_and_seen(v).1)
            .map(|(k, _)| k.clone())
    {
        map.remove(oldest.borrow());
    }
}

impl From<Blocked> for crate::error::ApiError {
    fn from(blocked: Blocked) -> Self {
        // Whole seconds, rounded up: retrying at the announced time must succeed.
        let ms = blocked.retry_after.as_millis();
        crate::error::ApiError::TooManyAttempts {
            retry_after: u64::try_from(ms.div_ceil(1000)).unwrap_or(u64::MAX).max(1),
        }
    }
}

/// The audit event of a counter that starts waiting.
pub fn started_event(
    started: &Started,
    user_id: Option<String>,
    meta: &crate::request::RequestMeta,
) -> dar_db::audit::NewAuditEvent {
    dar_db::audit::NewAuditEvent {
        actor_user_id: user_id,
        action: "login.throttled".into(),
        object_type: Some("user".into()),
        request_id: Some(meta.request_id.clone()),
        source_ip: meta.source_ip.clone(),
        details: Some(serde_json::json!({
            "scope": started.scope.as_str(),
            "failures": started.failures,
            "backoff_seconds": started.backoff.as_secs_f64(),
        })),
        ..Default::default()
    }
}

/// The client's address: the TCP peer, or, when the peer is one of `trusted_proxies`, the
/// nearest address in `X-Forwarded-For` that is not a trusted proxy itself. Without a
/// trusted proxy the header is ignored, since any client can write it.
pub fn client_ip(req: &actix_web::HttpRequest, trusted_proxies: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted_proxies.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|part| part.trim().parse::<IpAddr>())
        .collect::<Result<_, _>>()
        .unwrap_or_default();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted_proxies.contains(ip))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn five_failures_of_an_account_then_it_waits_a_doubling_time() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..4 {
            assert!(t.failed("a@x.be", ip("10.0.0.1"), start).is_empty(), "{i}");
            assert_eq!(t.check("a@x.be", ip("10.0.0.1"), start), Ok(()));
        }
        let started = t.failed("a@x.be", ip("10.0.0.1"), start);
        assert_eq!(
            started,
            vec![Started {
                scope: Scope::Account,
                failures: 5,
                backoff: secs(1)
            }]
        );
        assert_eq!(
            t.check("a@x.be", ip("10.0.0.1"), start),
            Err(Blocked {
                scope: Scope::Account,
                retry_after: secs(1)
            })
        );
        // Another account from the same address is not concerned.
        assert_eq!(t.check("b@x.be", ip("10.0.0.1"), start), Ok(()));
        let later = start + secs(1);
        assert_eq!(t.check("a@x.be", ip("10.0.0.1"), later), Ok(()));
        // The sixth failure waits twice as long, and is not audited again.
        assert!(t.failed("a@x.be", ip("10.0.0.1"), later).is_empty());
        assert_eq!(
            t.check("a@x.be", ip("10.0.0.1"), later)
                .unwrap_err()
                .retry_after,
            secs(2)
        );
    }

    #[test]
    fn the_account_back_off_is_bounded() {
        let t = LoginThrottle::default();
        let mut now = Instant::now();
        for _ in 0..40 {
            t.failed("a@x.be", ip("10.0.0.1"), now);
            now += secs(301);
        }
        t.failed("a@x.be", ip("10.0.0.2"), now);
        let wait = t.check("a@x.be", ip("10.0.0.3"), now).unwrap_err();
        assert_eq!(wait.retry_after, secs(60));
    }

    #[test]
    fn an_address_that_logged_in_before_is_not_locked_out_by_others_failures() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        t.succeeded("a@x.be", ip("192.0.2.7"), now);
        for _ in 0..10 {
            t.failed("a@x.be", ip("198.51.100.1"), now);
        }
        assert_eq!(t.check("a@x.be", ip("192.0.2.7"), now), Ok(()));
        assert_eq!(
            t.check("a@x.be", ip("203.0.113.9"), now).unwrap_err().scope,
            Scope::Account
        );
    }

    #[test]
    fn spraying_from_one_address_blocks_that_address_only() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let mut started = Vec::new();
        for i in 0..20 {
            started.extend(t.failed(&format!("user{i}@x.be"), ip("10.0.0.1"), now));
        }
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].scope, Scope::Address);
        assert_eq!(
            t.check("someone@x.be", ip("10.0.0.1"), now)
                .unwrap_err()
                .scope,
            Scope::Address
        );
        assert_eq!(t.check("someone@x.be", ip("10.0.0.2"), now), Ok(()));
    }

    #[test]
    fn a_success_does_not_wash_the_address_counter() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..19 {
            t.failed(&format!("user{i}@x.be"), ip("10.0.0.1"), now);
        }
        t.succeeded("mine@x.be", ip("10.0.0.1"), now);
        assert!(!t.failed("user19@x.be", ip("10.0.0.1"), now).is_empty());
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_period() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..5 {
            t.failed("a@x.be", ip("10.0.0.1"), now);
        }
        let later = now + secs(15 * 60);
        assert_eq!(t.check("a@x.be", ip("10.0.0.1"), later), Ok(()));
        assert!(t.failed("a@x.be", ip("10.0.0.1"), later).is_empty());
    }

    #[test]
    fn an_ipv6_network_counts_as_one_address() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            address_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        use actix_web::test::TestRequest;
        let proxy: IpAddr = "10.1.1.1".parse().unwrap();
        let req = TestRequest::default()
            .peer_addr("10.1.1.1:5000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "6.6.6.6, 203.0.113.5"))
            .to_http_request();
        assert_eq!(client_ip(&req, &[proxy]), ip("203.0.113.5"));
        assert_eq!(client_ip(&req, &[]), Some(proxy));
        let forged = TestRequest::default()
            .peer_addr("198.51.100.1:5000".parse().unwrap())
            .insert_header(("X-Forwarded-For", "203.0.113.5"))
            .to_http_request();
        assert_eq!(client_ip(&forged, &[proxy]), ip("198.51.100.1"));
    }
}
