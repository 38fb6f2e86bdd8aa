// SPDX-License-Identifier: GPL-3.0-or-later
#include "eventhistory.h"

#include "wamp/uri.h"

namespace wb::router {

using namespace wb::wamp;

namespace {
qint64 valueSize(const Value &v, int depth = 0)
{
    constexpr qint64 kNode = 16; // per value
    if (depth > 64)
        return kNode;
    switch (v.kind()) {
    case Value::Kind::String: return kNode + 2 * qint64(v.stringPtr()->size());
    case Value::Kind::Bytes: return kNode + qint64(v.toBytes().size());
    case Value::Kind::List: {
        qint64 n = kNode;
        for (const Value &x : *v.listPtr())
            n += valueSize(x, depth + 1);
        return n;
    }
    case Value::Kind::Dict: {
        qint64 n = kNode;
        const Dict &d = *v.dictPtr();
        for (auto it = d.cbegin(); it != d.cend(); ++it)
            n += kNode + 2 * qint64(it.key().size()) + valueSize(it.value(), depth + 1);
        return n;
    }
    default: return kNode;
    }
}
} // namespace

EventHistory::EventHistory(int maxRetained, qint64 maxRetainedBytes)
    : m_maxRetained(maxRetained), m_maxRetainedBytes(maxRetainedBytes)
{
}

qint64 EventHistory::approximateSize(const List &args, const Dict &kwargs)
{
    qint64 n = 64; // the event record itself
    for (const Value &v : args)
        n += valueSize(v);
    for (auto it = kwargs.cbegin(); it != kwargs.cend(); ++it)
        n += 16 + 2 * qint64(it.key().size()) + valueSize(it.value());
    return n;
}

void EventHistory::enableHistory(quint64 subscription, int limit, qint64 maxBytes)
{
    History &h = m_history[subscription];
    h.limit = qMax(1, limit);
    h.maxBytes = qMax<qint64>(1, maxBytes);
}

void EventHistory::record(quint64 subscription, const Event &event)
{
    const auto it = m_history.find(subscription);
    if (it == m_history.end())
        return;
    History &h = it->second;
    Event e = event;
    e.bytes = approximateSize(e.args, e.kwargs);
    if (e.bytes > h.maxBytes)
        return; // larger than the whole budget: not kept
    h.bytes += e.bytes;
    h.events.push_back(std::move(e));
    while (int(h.events.size()) > h.limit || h.bytes > h.maxBytes) {
        h.bytes -= h.events.front().bytes;
        h.events.pop_front();
    }
}

qint64 EventHistory::historyBytes(quint64 subscription) const
{
    const auto it = m_history.find(subscription);
    return it == m_history.end() ? 0 : it->second.bytes;
}

int EventHistory::historySize(quint64 subscription) const
{
    const auto it = m_history.find(subscription);
    return it == m_history.end() ? 0 : int(it->second.events.size());
}

std::optional<List> EventHistory::events(quint64 subscription, int limit) const
{
    const auto it = m_history.find(subscription);
    if (it == m_history.end())
        return std::nullopt;
    const std::deque<Event> &events = it->second.events;
    List out;
    const int n = qMin(qMax(limit, 0), int(events.size()));
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        const Event &e = events.at(events.size() - 1 - size_t(i));
        Dict d{
            {QStringLiteral("timestamp"), e.timestamp.toString(Qt::ISODateWithMs)},
            {QStringLiteral("subscription"), subscription},
            {QStringLiteral("publication"), e.publication},
            {QStringLiteral("topic"), e.topic},
            {QStringLiteral("args"), e.args},
            {QStringLiteral("kwargs"), e.kwargs},
        };
        for (auto p = e.publisher.cbegin(); p != e.publisher.cend(); ++p)
            d.insert(p.key(), p.value());
        out.append(Value(std::move(d)));
    }
    return out;
}

void EventHistory::dropRetained(const QString &topic)
{
    const auto it = m_retained.find(topic);
    if (it == m_retained.end())
        return;
    m_retainedBytes -= it->event.bytes;
    m_retained.erase(it);
    m_retainedOrder.removeOne(topic);
}

void EventHistory::retain(const QString &topic, Retained retained)
{
    if (m_maxRetained <= 0)
        return;
    dropRetained(topic); // a new retained event replaces the topic's previous one
    retained.event.bytes = approximateSize(retained.event.args, retained.event.kwargs);
    if (retained.event.bytes > m_maxRetainedBytes)
        return;
    m_retainedBytes += retained.event.bytes;
    m_retained.insert(topic, std::move(retained));
    m_retainedOrder.append(topic);
    while (m_retainedOrder.size() > m_maxRetained || m_retainedBytes > m_maxRetainedBytes)
        dropRetained(m_retainedOrder.constFirst());
}

QList<const EventHistory::Retained *> EventHistory::retainedMatching(const QString &pattern, MatchPolicy p) const
{
    QList<const Retained *> out;
    if (p == MatchPolicy::Exact) {
        const auto it = m_retained.constFind(pattern);
        if (it != m_retained.constEnd())
            out.append(&*it);
        return out;
    }
    for (const QString &topic : m_retainedOrder) {
        if (uriMatches(topic, pattern, p))
            out.append(&*m_retained.constFind(topic));
    }
    return out;
}

} // namespace wb::router
