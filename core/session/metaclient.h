// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Typed helper over the WAMP meta API (wamp-notes §13) for any router that offers it (Crossbar, the built-in router,
// ...): fetch the sessions, subscriptions and registrations of the session's realm, kill a session, and follow the
// meta events. Uses only Session::call/subscribe; no Widgets. Shapes are parsed defensively: on_leave may carry
// [session] (Crossbar) or [session, authid, authrole] (the spec).

#include "session/session.h"

#include <QObject>
#include <QPointer>

#include <functional>

namespace wb::session {

struct MetaSubscription
{
    quint64 id = 0;
    QString uri;
    QString match;   ///< exact | prefix | wildcard
    QString created; ///< ISO-8601, as the router sent it
    QList<quint64> subscribers;
};

struct MetaRegistration
{
    quint64 id = 0;
    QString uri;
    QString match;
    QString invoke;  ///< single | roundrobin | random | first | last
    QString created;
    QList<quint64> callees;
};

class MetaClient : public QObject
{
    Q_OBJECT
public:
    using ErrorHandler = Session::ErrorHandler;
    using SessionsHandler = std::function<void(const QList<wamp::Dict> &)>;
    using SubscriptionsHandler = std::function<void(const QList<MetaSubscription> &)>;
    using RegistrationsHandler = std::function<void(const QList<MetaRegistration> &)>;

    explicit MetaClient(Session *session, QObject *parent = nullptr);

    /// wamp.session.list, then wamp.session.get for each (sessions gone in between are skipped).
    void fetchSessions(SessionsHandler onDone, ErrorHandler onError);
    /// wamp.subscription.list, then get + list_subscribers for each.
    void fetchSubscriptions(SubscriptionsHandler onDone, ErrorHandler onError);
    /// wamp.registration.list, then get + list_callees for each.
    void fetchRegistrations(RegistrationsHandler onDone, ErrorHandler onError);
    /// wamp.session.kill; empty \a reason = the router's default (wamp.close.killed).
    void killSession(quint64 sessionId, const QString &reason, const QString &message, std::function<void()> onDone,
                     ErrorHandler onError);
    /// Subscribe to the session, subscription and registration meta events; the signals below follow.
    /// \a onReady runs once every subscription is acknowledged.
    void watch(std::function<void()> onReady = {}, ErrorHandler onError = {});

    static MetaSubscription parseSubscription(const wamp::Dict &details);
    static MetaRegistration parseRegistration(const wamp::Dict &details);

signals:
    void sessionJoined(const wb::wamp::Dict &details);
    void sessionLeft(quint64 sessionId);
    /// on_create: the subscription details; on_subscribe/on_unsubscribe/on_delete: the IDs.
    void subscriptionCreated(quint64 sessionId, const wb::session::MetaSubscription &subscription);
    void subscribed(quint64 sessionId, quint64 subscriptionId);
    void unsubscribed(quint64 sessionId, quint64 subscriptionId);
    void subscriptionDeleted(quint64 sessionId, quint64 subscriptionId);
    void registrationCreated(quint64 sessionId, const wb::session::MetaRegistration &registration);
    void registered(quint64 sessionId, quint64 registrationId);
    void unregistered(quint64 sessionId, quint64 registrationId);
    void registrationDeleted(quint64 sessionId, quint64 registrationId);

private:
    QPointer<Session> m_session;
};

} // namespace wb::session

Q_DECLARE_METATYPE(wb::session::MetaSubscription)
Q_DECLARE_METATYPE(wb::session::MetaRegistration)
