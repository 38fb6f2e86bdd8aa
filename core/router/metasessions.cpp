// SPDX-License-Identifier: GPL-3.0-or-later
// Meta API: session procedures and events (wamp.session.*) and testaments (wamp-notes §13.1, §13.4).
#include "metaapi.h"

#include "metaapi_p.h"

namespace wb::router {

using namespace wb::wamp;
using namespace wb::router::metadetail;

namespace {
const QString kTestamentError = QStringLiteral("wamp.error.testament_error");
const QString kDestroyed = QStringLiteral("destroyed");
const QString kDetached = QStringLiteral("detached");
} // namespace

void MetaApi::sessionJoined(RouterSession &session)
{
    publish(QStringLiteral("wamp.session.on_join"), {sessionDetails(session)});
}

void MetaApi::sessionLeaving(RouterSession &session)
{
    // Without session resumption both buckets fire at the end: detached first, then destroyed (wamp-notes §13.4).
    const Testaments t = m_testaments.take(session.id());
    for (const QList<Testament> *bucket : {&t.detached, &t.destroyed}) {
        for (const Testament &testament : *bucket)
            m_realm.broker().publishFromRouter(testament.topic, testament.args, testament.kwargs, testament.options);
    }
}

void MetaApi::sessionLeft(RouterSession &session)
{
    m_testaments.remove(session.id());
    // Crossbar publishes only the session ID (the spec adds authid and authrole).
    publish(QStringLiteral("wamp.session.on_leave"), {session.id()});
}

static std::optional<QSet<QString>> authroleFilter(const Value &v, MetaApi::Reply *error)
{
    QSet<QString> roles;
    if (v.isNull())
        return roles;
    if (v.isList()) {
        bool ok = true;
        for (const Value &r : v.toList()) {
            ok = ok && r.isString();
            roles.insert(r.toString());
        }
        if (ok)
            return roles;
    }
    *error = MetaApi::Reply::fail(uris::invalidArgument, QStringLiteral("filter_authroles must be a list of strings, got %1")
                                                             .arg(v.toDebugString()));
    return std::nullopt;
}

MetaApi::Reply MetaApi::sessionCount(const Call &c)
{
    Reply error;
    const Value filterValue = c.arg(0, QStringLiteral("filter_authroles"));
    const auto filter = authroleFilter(filterValue, &error);
    if (!filter)
        return error;
    qint64 n = 0;
    for (RouterSession *s : joinedSessions())
        n += (filterValue.isNull() || filter->contains(s->info().authrole)) ? 1 : 0;
    return Reply::ok(n);
}

MetaApi::Reply MetaApi::sessionList(const Call &c)
{
    Reply error;
    const Value filterValue = c.arg(0, QStringLiteral("filter_authroles"));
    const auto filter = authroleFilter(filterValue, &error);
    if (!filter)
        return error;
    List ids;
    for (RouterSession *s : joinedSessions()) {
        if (filterValue.isNull() || filter->contains(s->info().authrole))
            ids.append(s->id());
    }
    return Reply::ok(ids);
}

MetaApi::Reply MetaApi::sessionGet(const Call &c)
{
    Reply error;
    const auto id = idArg(c.arg(0, QStringLiteral("session_id")), QStringLiteral("session_id"), &error);
    if (!id)
        return error;
    RouterSession *s = m_realm.session(*id);
    if (!s || !s->isEstablished())
        return Reply::fail(uris::noSuchSession, QStringLiteral("no session with ID %1 exists on this router").arg(*id));
    return Reply::ok(sessionDetails(*s));
}

MetaApi::Reply MetaApi::sessionKill(const Call &c)
{
    Reply error;
    const auto id = idArg(c.arg(0, QStringLiteral("session_id")), QStringLiteral("session_id"), &error);
    if (!id)
        return error;
    QString reason = uris::closeKilled, message;
    if (!stringArg(c.arg(1, QStringLiteral("reason")), QStringLiteral("reason"), reason, &error)
        || !stringArg(c.arg(2, QStringLiteral("message")), QStringLiteral("message"), message, &error))
        return error;
    if (!isValidUri(reason))
        return Reply::fail(uris::invalidUri, QStringLiteral("reason \"%1\" is not a valid URI").arg(reason));
    RouterSession *s = m_realm.session(*id);
    if (!s || !s->isEstablished() || s == &c.caller)
        return Reply::fail(uris::noSuchSession, QStringLiteral("no session with ID %1 exists on this router").arg(*id));
    s->kill(reason, message);
    return Reply::ok();
}

MetaApi::Reply MetaApi::sessionKillBy(const Call &c, bool byAuthid)
{
    Reply error;
    const QString key = byAuthid ? QStringLiteral("authid") : QStringLiteral("authrole");
    const Value who = c.arg(0, key);
    if (!who.isString())
        return Reply::fail(uris::invalidArgument, QStringLiteral("%1 must be a string, got %2").arg(key, who.toDebugString()));
    QString reason = uris::closeKilled, message;
    if (!stringArg(c.arg(1, QStringLiteral("reason")), QStringLiteral("reason"), reason, &error)
        || !stringArg(c.arg(2, QStringLiteral("message")), QStringLiteral("message"), message, &error))
        return error;
    if (!isValidUri(reason))
        return Reply::fail(uris::invalidUri, QStringLiteral("reason \"%1\" is not a valid URI").arg(reason));
    // Crossbar returns the list of killed session IDs for both kill_by_authid and kill_by_authrole.
    List killed;
    for (RouterSession *s : joinedSessions()) {
        if (s == &c.caller)
            continue; // the caller is spared
        if ((byAuthid ? s->info().authid : s->info().authrole) != who.toString())
            continue;
        killed.append(s->id());
        s->kill(reason, message);
    }
    return Reply::ok(killed);
}


static std::optional<QString> scopeArg(const Value &v, MetaApi::Reply *error)
{
    if (v.isNull())
        return kDestroyed;
    if (v.isString() && (v.toString() == kDestroyed || v.toString() == kDetached))
        return v.toString();
    *error = MetaApi::Reply::fail(kTestamentError, QStringLiteral("scope must be destroyed or detached"));
    return std::nullopt;
}

MetaApi::Reply MetaApi::addTestament(const Call &c)
{
    Reply error;
    const Value topic = c.arg(0, QStringLiteral("topic"));
    const Value args = c.arg(1, QStringLiteral("args"));
    const Value kwargs = c.arg(2, QStringLiteral("kwargs"));
    const Value options = c.arg(3, QStringLiteral("publish_options"));
    const auto scope = scopeArg(c.arg(4, QStringLiteral("scope")), &error);
    if (!scope)
        return error;
    if (!topic.isString() || !isValidUri(topic.toString()))
        return Reply::fail(uris::invalidUri, QStringLiteral("topic must be a valid URI, got %1").arg(topic.toDebugString()));
    if (!(args.isNull() || args.isList()) || !(kwargs.isNull() || kwargs.isDict()) || !(options.isNull() || options.isDict()))
        return Reply::fail(uris::invalidArgument,
                           QStringLiteral("add_testament(topic, args: list, kwargs: dict, publish_options: dict, scope)"));
    Testaments &t = m_testaments[c.caller.id()];
    QList<Testament> &bucket = *scope == kDestroyed ? t.destroyed : t.detached;
    if (bucket.size() >= kMaxTestaments)
        return Reply::fail(kTestamentError, QStringLiteral("at most %1 testaments per scope").arg(kMaxTestaments));
    Dict publishOptions = options.toDict();
    publishOptions.remove(QStringLiteral("acknowledge"));
    publishOptions.remove(QStringLiteral("exclude_me"));
    bucket.append(Testament{topic.toString(), args.toList(), kwargs.toDict(), publishOptions});
    return Reply::ok(randomId()); // Crossbar returns a publication ID
}

MetaApi::Reply MetaApi::flushTestaments(const Call &c)
{
    Reply error;
    const auto scope = scopeArg(c.arg(0, QStringLiteral("scope")), &error);
    if (!scope)
        return error;
    auto it = m_testaments.find(c.caller.id());
    if (it == m_testaments.end())
        return Reply::ok(0);
    QList<Testament> &bucket = *scope == kDestroyed ? it->destroyed : it->detached;
    const qint64 flushed = bucket.size();
    bucket.clear();
    return Reply::ok(flushed);
}

int MetaApi::testamentCount(quint64 sessionId) const
{
    const auto it = m_testaments.constFind(sessionId);
    return it == m_testaments.constEnd() ? 0 : int(it->detached.size() + it->destroyed.size());
}

} // namespace wb::router
