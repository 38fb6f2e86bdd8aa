// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Subscribe panel: topic + match policy, the active subscriptions, a live event log for all events and
// one per subscription, pause/resume, clear, search (text/regex), filters (topic, publisher, payload),
// a payload viewer (tree/raw), a topic tree with counts/rates/last payload and a live plot of a numeric
// field. Events go into one capped inspect::ReceivedEventLog; models are refreshed on a timer (never per event).

#include "inspect/receivedevents.h"
#include "inspect/fieldpath.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTabWidget;
class QTableView;
class QTimer;
class QTreeView;

namespace wb::session {
class Session;
}

namespace wb::ui {

class EventLogModel;
class PayloadView;
class PlotWidget;
class TopicTreeModel;

class SubscribePanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SubscribePanel)
public:
    static constexpr int kRefreshMs = 80;

    explicit SubscribePanel(session::Session *session, QWidget *parent = nullptr);
    ~SubscribePanel() override;

    /// Subscribe as if typed in and clicked (match: "exact" | "prefix" | "wildcard").
    void subscribeTo(const QString &topic, const QString &match = QStringLiteral("exact"));
    /// Unsubscribe the subscription shown in row \a row of the list.
    void unsubscribeRow(int row);
    int subscriptionCount() const;
    quint64 subscriptionId(int row) const;

    void setPaused(bool paused);
    bool isPaused() const;
    void clearEvents();
    void setCap(qsizetype cap);
    void setFollowTail(bool on);
    /// Apply the search/filter fields to every log.
    void setSearch(const QString &text, bool regex);
    void setFilters(const QString &topic, quint64 publisher, const QString &payload);
    /// Plot the numeric field at \a path (e.g. "args[0]", "kwargs.temp") of every new event (of the current
    /// log tab's subscription). Returns false with a reason for a bad path.
    bool setPlotPath(const QString &path, QString *error = nullptr);
    /// Select a row of the current log and show its payload.
    void showPayloadOfRow(int row);

    /// Run one refresh now (the timer does this every kRefreshMs).
    void refreshNow();

    const inspect::ReceivedEventLog &store() const { return m_store; }
    EventLogModel *allEventsModel() const { return m_allModel; }
    /// The per-subscription log model for subscription \a id (nullptr if none).
    EventLogModel *subscriptionModel(quint64 id) const;
    TopicTreeModel *topicTreeModel() const { return m_topicModel; }
    PayloadView *payloadView() const { return m_payload; }
    PlotWidget *plot() const { return m_plot; }
    QTableView *allEventsView() const { return m_allView; }
    QPushButton *subscribeButton() const { return m_subscribeBtn; }
    QLineEdit *topicEdit() const { return m_topic; }
    QString lastError() const { return m_lastError; }

signals:
    void subscribed(quint64 subscriptionId, const QString &topic);
    void subscribeFailed(const QString &error);

private:
    struct Sub
    {
        quint64 id = 0;
        QString topic;
        QString match;
        EventLogModel *model = nullptr;
        QTableView *view = nullptr;
        quint64 count = 0;
    };
    QTableView *makeLogView(EventLogModel *model);
    void updateEnabled();
    void refresh();
    void applyFilter();
    void updateSubscriptionList();
    void feedPlot();
    void onLogSelection(QTableView *view, const QModelIndex &current);
    EventLogModel *currentModel() const;
    QTableView *currentView() const;
    void sessionLeft();
    void setError(const QString &text);

    QPointer<session::Session> m_session;
    inspect::ReceivedEventLog m_store;
    quint32 m_lastWireSize = 0;

    QLineEdit *m_topic;
    QComboBox *m_match;
    QPushButton *m_subscribeBtn;
    QPushButton *m_unsubscribeBtn;
    QListWidget *m_subList;
    QTabWidget *m_logs;
    QTableView *m_allView;
    EventLogModel *m_allModel;
    TopicTreeModel *m_topicModel;
    QTreeView *m_topicView;
    PayloadView *m_payload;
    PlotWidget *m_plot;
    QLineEdit *m_plotPath;
    QPushButton *m_pauseBtn;
    QCheckBox *m_follow;
    QLineEdit *m_search;
    QCheckBox *m_regex;
    QLineEdit *m_filterTopic;
    QLineEdit *m_filterPublisher;
    QLineEdit *m_filterPayload;
    QSpinBox *m_cap;
    QLabel *m_stats;
    QLabel *m_error;
    QTimer *m_timer;

    QList<Sub> m_subs;
    QList<Sub> m_ended;                        ///< subscriptions lost with the session (tabs kept for reading)
    std::optional<inspect::FieldPath> m_plotFieldPath;
    quint64 m_plotScanned = 0;
    QString m_lastError;
};

} // namespace wb::ui
