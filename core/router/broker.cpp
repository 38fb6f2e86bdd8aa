// SPDX-License-Identifier: GPL-3.0-or-later
#include "broker.h"

#include "eventhistory.h"
#include "metaapi.h"
#include "realm.h"
#include "routerlogging.h"
#include "routersession.h"
#include "uriindex.h"
#include "codec/serializer.h"
#include "wamp/errors.h"
#include "wamp/ids.h"

#include <array>

namespace wb::router {

using namespace wb::wamp;

namespace {

/// PUBLISH.Options black/white lists (wamp-notes §12.1). Empty optional = key absent.
struct Filters
{
    std::optional<QSet<quint64>> eligible, exclude;
    std::optional<QSet<QString>> eligibleAuthid, excludeAuthid, eligibleAuthrole, excludeAuthrole;

    bool any() const
    {
        return eligible || exclude || eligibleAuthid || excludeAuthid || eligibleAuthrole || excludeAuthrole;
    }

    bool accepts(const RouterSession &s) const
    {
        const SessionInfo &i = s.info();
        if (eligible && !eligible->contains(i.id))
            return false;
        if (exclude && exclude->contains(i.id))
            return false;
        if (eligibleAuthid && !eligibleAuthid->contains(i.authid))
            return false;
        if (excludeAuthid && excludeAuthid->contains(i.authid))
            return false;
        if (eligibleAuthrole && !eligibleAuthrole->contains(i.authrole))
            return false;
        if (excludeAuthrole && excludeAuthrole->contains(i.authrole))
            return false;
        return true;
    }
};

/// Reads an ID list option; returns the problem text on a bad value.
QString readIds(const Dict &options, const QString &key, std::optional<QSet<quint64>> &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    const List *list = it->listPtr();
    if (!list)
        return QStringLiteral("option %1 must be a list of session IDs, got %2").arg(key, it->kindName());
    QSet<quint64> set;
    for (const Value &v : *list) {
        const auto id = v.toUInt64();
        if (!id || !isValidId(*id))
            return QStringLiteral("option %1 must be a list of session IDs, got %2").arg(key, v.toDebugString());
        set.insert(*id);
    }
    out = std::move(set);
    return {};
}

QString readStrings(const Dict &options, const QString &key, std::optional<QSet<QString>> &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    const List *list = it->listPtr();
    if (!list)
        return QStringLiteral("option %1 must be a list of strings, got %2").arg(key, it->kindName());
    QSet<QString> set;
    for (const Value &v : *list) {
        if (!v.isString())
            return QStringLiteral("option %1 must be a list of strings, got %2").arg(key, v.toDebugString());
        set.insert(v.toString());
    }
    out = std::move(set);
    return {};
}

/// A known boolean option; a present non-boolean is reported.
QString readBool(const Dict &options, const QString &key, bool &out)
{
    const auto it = options.constFind(key);
    if (it == options.constEnd())
        return {};
    if (!it->isBool())
        return QStringLiteral("option %1 must be a boolean, got %2").arg(key, it->toDebugString());
    out = it->toBool();
    return {};
}

/// All black/white list options; returns the problem text on a bad value.
QString readFilters(const Dict &options, Filters &filters)
{
    QString bad = readIds(options, QStringLiteral("eligible"), filters.eligible);
    if (bad.isEmpty()) bad = readIds(options, QStringLiteral("exclude"), filters.exclude);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("eligible_authid"), filters.eligibleAuthid);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("exclude_authid"), filters.excludeAuthid);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("eligible_authrole"), filters.eligibleAuthrole);
    if (bad.isEmpty()) bad = readStrings(options, QStringLiteral("exclude_authrole"), filters.excludeAuthrole);
    return bad;
}

} // namespace

Broker::Broker(Realm &realm, RouterStats &stats) : m_realm(realm), m_stats(stats)
{
    // Event history lives on pre-created subscriptions that stay without subscribers (wamp-notes §12.7).
    for (const EventHistoryConfig &h : realm.config().eventHistory) {
        const auto policy = parseMatchPolicy(h.match);
        if (!policy)
            continue; // validated by RouterConfig
        Subscription *sub = m_index.find(h.uri, *policy);
        if (!sub)
            sub = createSubscription(h.uri, *policy);
        sub->pinned = true;
        m_realm.history().enableHistory(sub->id, h.limit, h.maxBytes);
    }
}

Broker::~Broker() = default;

Dict Broker::features()
{
    return Dict{
        {QStringLiteral("publisher_identification"), true},
        {QStringLiteral("publisher_exclusion"), true},
        {QStringLiteral("subscriber_blackwhite_listing"), true},
        {QStringLiteral("pattern_based_subscription"), true},
        {QStringLiteral("session_meta_api"), true},
        {QStringLiteral("subscription_meta_api"), true},
        {QStringLiteral("event_history"), true},
        {QStringLiteral("event_retention"), true},
    };
}

void Broker::onSubscribe(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString topic = m.uri();
    const std::optional<MatchPolicy> policy = parseMatchOption(session, MessageType::Subscribe, request, options, topic);
    if (!policy)
        return;
    Subscription *sub = m_index.find(topic, *policy);
    const bool created = !sub;
    if (!sub)
        sub = createSubscription(topic, *policy);
    const bool added = !sub->subscribers.contains(&session);
    if (added) {
        sub->subscribers.append(&session);
        m_bySession[&session].insert(sub->id);
    }
    session.send(Message::subscribed(request, sub->id));
    if (added)
        m_realm.meta().subscribed(session, *sub, created); // a pinned (history) subscription is never "created"
    if (options.value(QStringLiteral("get_retained")).toBool())
        sendRetained(session, *sub);
}

Broker::Subscription *Broker::createSubscription(const QString &topic, MatchPolicy policy)
{
    auto owned = std::make_unique<Subscription>();
    owned->id = unusedRandomId(m_byId);
    owned->uri = topic;
    owned->match = policy;
    owned->created = QDateTime::currentDateTimeUtc();
    Subscription *sub = owned.get();
    m_byId.emplace(sub->id, std::move(owned));
    m_index.insert(topic, policy, sub);
    return sub;
}

void Broker::removeSubscriber(Subscription *sub, RouterSession *session)
{
    sub->subscribers.removeOne(session);
    const bool deleted = sub->subscribers.isEmpty() && !sub->pinned;
    m_realm.meta().unsubscribed(*session, *sub, deleted);
    if (deleted) {
        m_index.remove(sub->uri, sub->match);
        m_byId.erase(sub->id); // deletes sub
    }
}

const Broker::Subscription *Broker::subscription(quint64 id) const
{
    const auto it = m_byId.find(id);
    return it == m_byId.end() ? nullptr : it->second.get();
}

const Broker::Subscription *Broker::lookup(const QString &uri, MatchPolicy policy) const
{
    return m_index.find(uri, policy);
}

QList<Broker::Subscription *> Broker::matching(const QString &topic) const
{
    return m_index.matching(topic);
}

QList<const Broker::Subscription *> Broker::all() const
{
    QList<const Subscription *> out;
    out.reserve(qsizetype(m_byId.size()));
    for (const auto &[id, sub] : m_byId)
        out.append(sub.get());
    return out;
}

QList<const Broker::Subscription *> Broker::subscriptionsOf(RouterSession *session) const
{
    QList<const Subscription *> out;
    for (quint64 id : m_bySession.value(session)) {
        if (const Subscription *sub = subscription(id))
            out.append(sub);
    }
    return out;
}

void Broker::onUnsubscribe(RouterSession &session, const Message &m)
{
    const quint64 request = m.requestId();
    const quint64 subId = m.at(2).toUInt64().value_or(0);
    const auto it = m_byId.find(subId);
    if (it == m_byId.end() || !it->second->subscribers.contains(&session)) {
        session.send(Message::error(MessageType::Unsubscribe, request, {}, uris::noSuchSubscription,
                                    {QStringLiteral("no subscription %1 held by this session").arg(subId)}));
        return;
    }
    auto bs = m_bySession.find(&session);
    if (bs != m_bySession.end()) {
        bs->remove(subId);
        if (bs->isEmpty())
            m_bySession.erase(bs);
    }
    removeSubscriber(it->second.get(), &session);
    session.send(Message::unsubscribed(request));
}

void Broker::removeSession(RouterSession *session)
{
    const QSet<quint64> ids = m_bySession.take(session);
    for (quint64 id : ids) {
        const auto it = m_byId.find(id);
        if (it != m_byId.end())
            removeSubscriber(it->second.get(), session);
    }
}

void Broker::onPublish(RouterSession &publisher, const Message &m)
{
    const quint64 request = m.requestId();
    const Dict options = m.dict();
    const QString topic = m.uri();
    bool acknowledge = false;
    if (options.value(QStringLiteral("acknowledge")).isBool())
        acknowledge = options.value(QStringLiteral("acknowledge")).toBool();
    auto refuse = [&](const QString &error, const QString &text) {
        // Without acknowledge a refused publication is silent (wamp-notes §10.1).
        if (acknowledge)
            publisher.send(Message::error(MessageType::Publish, request, {}, error, {text}));
        else
            qCDebug(lcRouter) << "session" << publisher.id() << "publication refused silently:" << text;
    };

    const QString problem = uriProblem(topic);
    if (!problem.isEmpty())
        return refuse(uris::invalidUri, problem);
    if (isReservedUri(topic))
        return refuse(uris::invalidUri,
                      QStringLiteral("topic \"%1\" is in the reserved \"wamp.\" namespace").arg(topic));

    bool excludeMe = true;
    bool discloseMe = false;
    bool retain = false;
    Filters filters;
    QString bad = readBool(options, QStringLiteral("exclude_me"), excludeMe);
    if (bad.isEmpty()) bad = readBool(options, QStringLiteral("disclose_me"), discloseMe);
    if (bad.isEmpty()) bad = readBool(options, QStringLiteral("retain"), retain);
    if (bad.isEmpty()) bad = readFilters(options, filters);
    if (!bad.isEmpty())
        return refuse(uris::invalidArgument, bad);

    const quint64 publication = randomId();
    ++m_stats.publications;

    Dict publisherDetails;
    if (discloseMe) {
        publisherDetails.insert(QStringLiteral("publisher"), publisher.id());
        publisherDetails.insert(QStringLiteral("publisher_authid"), publisher.info().authid);
        publisherDetails.insert(QStringLiteral("publisher_authrole"), publisher.info().authrole);
    }
    Acceptor accept;
    if (filters.any())
        accept = [&filters](const RouterSession &r) { return filters.accepts(r); };
    dispatch(topic, publication, m.args(), m.kwargs(), options, publisherDetails, excludeMe ? &publisher : nullptr,
             accept, !filters.eligible && !filters.exclude);

    if (acknowledge)
        publisher.send(Message::published(request, publication));
}

void Broker::publishFromRouter(const QString &topic, const List &args, const Dict &kwargs, const Dict &options)
{
    Filters filters;
    const QString bad = readFilters(options, filters);
    if (!bad.isEmpty()) {
        qCInfo(lcRouter) << "router publication to" << topic << "dropped:" << bad;
        return;
    }
    ++m_stats.publications;
    Acceptor accept;
    if (filters.any())
        accept = [&filters](const RouterSession &r) { return filters.accepts(r); };
    dispatch(topic, randomId(), args, kwargs, options, {}, nullptr, accept, !filters.eligible && !filters.exclude);
}

void Broker::dispatch(const QString &topic, quint64 publication, const List &args, const Dict &kwargs,
                      const Dict &options, const Dict &publisherDetails, const RouterSession *excluded,
                      const Acceptor &accept, bool storable)
{
    // Every matching subscription gets one EVENT (no precedence for pub/sub).
    const QList<Subscription *> matches = matching(topic);
    EventHistory &history = m_realm.history();
    EventHistory::Event stored; // filled only when history or retention needs it (implicitly shared payload)
    auto storedEvent = [&]() -> const EventHistory::Event & {
        if (!stored.publication) {
            stored.timestamp = QDateTime::currentDateTimeUtc();
            stored.publication = publication;
            stored.topic = topic;
            stored.publisher = publisherDetails;
            stored.args = args;
            stored.kwargs = kwargs;
        }
        return stored;
    };
    for (Subscription *sub : std::as_const(matches)) {
        if (storable && sub->pinned && history.hasHistory(sub->id))
            history.record(sub->id, storedEvent());
        if (sub->subscribers.isEmpty())
            continue;
        Dict details = publisherDetails;
        if (sub->match != MatchPolicy::Exact)
            details.insert(QStringLiteral("topic"), topic);
        const Value event = Message::event(sub->id, publication, details, args, kwargs).toValue();
        // One encoding per serializer, shared by every subscriber of this subscription using it.
        std::array<QByteArray, 4> encoded;
        // Copy (cheap, implicitly shared): a send may drop a slow subscriber, whose cleanup runs later anyway.
        const QList<RouterSession *> subscribers = sub->subscribers;
        for (RouterSession *r : subscribers) {
            if (r == excluded)
                continue;
            if (!r->isEstablished() || (accept && !accept(*r)))
                continue;
            const codec::Serializer *ser = r->serializer();
            if (!ser)
                continue;
            QByteArray &bytes = encoded[size_t(ser->id()) % encoded.size()];
            if (bytes.isNull()) {
                bytes = ser->encode(event);
                ++m_stats.eventsEncoded;
            }
            const auto result = r->sendEncoded(bytes);
            if (result == RouterSession::SendResult::Sent)
                ++m_stats.eventsSent;
            else if (result == RouterSession::SendResult::TooLarge)
                qCInfo(lcRouter) << "EVENT for" << topic << "too large for session" << r->id() << "- dropped";
        }
    }
    // Retention (wamp-notes §12.8): the latest event per topic; black/white lists are re-checked on delivery.
    if (options.value(QStringLiteral("retain")).toBool() && history.retentionEnabled()) {
        EventHistory::Retained r;
        r.event = storedEvent();
        r.options = options;
        history.retain(topic, std::move(r));
    }
}

void Broker::sendRetained(RouterSession &session, const Subscription &sub)
{
    const QList<const EventHistory::Retained *> retained = m_realm.history().retainedMatching(sub.uri, sub.match);
    for (const EventHistory::Retained *r : retained) {
        Filters filters;
        if (!readFilters(r->options, filters).isEmpty() || (filters.any() && !filters.accepts(session)))
            continue;
        Dict details = r->event.publisher;
        details.insert(QStringLiteral("retained"), true);
        if (sub.match != MatchPolicy::Exact)
            details.insert(QStringLiteral("topic"), r->event.topic);
        session.send(Message::event(sub.id, r->event.publication, details, r->event.args, r->event.kwargs));
    }
}

} // namespace wb::router
