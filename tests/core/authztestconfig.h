// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What tst_authorizer (config and Authorizer, no router) and tst_authorization (end to end) share: the permission
// shorthand perm(), the roles they test and the router config with the realms secured, strict, open.a, open.b and
// hidden.

#include "fakes/routerharness.h"
#include "fakes/testutil.h"

#include "router/routerconfig.h"

namespace wb::testing::authztests {

using router::PermissionConfig;
using router::RoleConfig;
using router::RouterConfig;
using wamp::MatchPolicy;

inline PermissionConfig perm(const char *uri, MatchPolicy match, const char *allow, bool discloseCaller = false,
                             bool disclosePublisher = false)
{
    PermissionConfig p;
    p.uri = s(uri);
    p.match = match;
    const QString a = s(allow);
    p.allowCall = a.contains(u'c');
    p.allowRegister = a.contains(u'r');
    p.allowPublish = a.contains(u'p');
    p.allowSubscribe = a.contains(u's');
    p.discloseCaller = discloseCaller;
    p.disclosePublisher = disclosePublisher;
    return p;
}

/// The role used by most tests. Comments give the rule each URI exercises.
inline RoleConfig restrictedRole()
{
    RoleConfig r;
    r.name = s("restricted");
    r.permissions = {
        perm("com.allowed.", MatchPolicy::Prefix, "crps"),        // everything under com.allowed.
        perm("com.allowed.secret", MatchPolicy::Exact, ""),        // exact beats the prefix: nothing
        perm("com.allowed.admin.", MatchPolicy::Prefix, "s"),      // a longer prefix beats a shorter one
        perm("com..wild", MatchPolicy::Wildcard, "c"),             // wildcard: call only
        perm("com.x..", MatchPolicy::Wildcard, "p"),               // a weaker wildcard (shorter literal run)
        perm("com.x.y.", MatchPolicy::Wildcard, "s"),              // ... loses against this one
        perm("com.disclosed.", MatchPolicy::Prefix, "cp", true, true),
        perm("wamp.session.count", MatchPolicy::Exact, "c"),      // one meta procedure
    };
    return r;
}

inline RoleConfig allowAllRole(const char *name)
{
    RoleConfig r;
    r.name = s(name);
    r.permissions = {perm("", MatchPolicy::Prefix, "crps")};
    return r;
}

inline router::UserConfig ticketUser(const char *authid, const char *role, QStringList realms = {})
{
    router::UserConfig u;
    u.authid = s(authid);
    u.authmethod = s("ticket");
    u.secret = s("pw-") + s(authid);
    u.authrole = s(role);
    u.realms = std::move(realms);
    return u;
}

inline RouterConfig testConfig()
{
    RouterConfig c = RouterHarness::baseConfig();
    router::RealmConfig secured{s("secured")};
    secured.roles = {restrictedRole(), allowAllRole("anonymous")};
    router::RealmConfig strict{s("strict")}; // roles, but none for anonymous sessions
    strict.roles = {restrictedRole()};
    router::RealmConfig hidden{s("hidden")}; // the realm never discloses callers, but a role permission wins
    hidden.roles = {restrictedRole(), allowAllRole("anonymous")};
    hidden.discloseCaller = s("never");
    c.realms = {secured, strict, router::RealmConfig{s("open.a")}, router::RealmConfig{s("open.b")}, hidden};
    c.users = {ticketUser("rita", "restricted"), ticketUser("ghost", "nobody"), ticketUser("anna", "restricted", {s("open.a")})};
    return c;
}

} // namespace wb::testing::authztests
