// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Publish panel: topic, args/kwargs JSON editors, options (acknowledge, exclude_me, disclose_me,
// eligible/exclude session lists), repeat N times or every T ms, with stop. Repeats are paced by a timer
// (at most kBurst publications per event-loop turn), so the window stays responsive.

#include "session/session.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace wb::ui {

class JsonEditor;

class PublishPanel : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PublishPanel)
public:
    static constexpr int kBurst = 500;

    explicit PublishPanel(session::Session *session, QWidget *parent = nullptr);

    void setTopic(const QString &topic);
    void setArgsText(const QString &json);
    void setKwargsText(const QString &json);
    void setAcknowledge(bool on);
    void setExcludeMe(bool on);
    void setDiscloseMe(bool on);
    /// Comma/space separated session ids.
    void setEligible(const QString &ids);
    void setExclude(const QString &ids);
    /// Publish \a count times (0 = until stopped), every \a intervalMs (0 = as fast as the loop allows).
    void setRepeat(int count, int intervalMs);

    /// Validate and start publishing; false with lastError() on bad input.
    bool publish();
    void stop();
    bool isRunning() const;

    quint64 sentCount() const { return m_sent; }
    quint64 ackCount() const { return m_acked; }
    quint64 errorCount() const { return m_errors; }
    quint64 lastPublicationId() const { return m_lastPublication; }
    QString lastError() const { return m_lastError; }
    QString statusText() const;
    QPushButton *publishButton() const { return m_publishBtn; }

signals:
    void finished();

private:
    void tick();
    void updateEnabled();
    void updateStatus();
    void setError(const QString &e);
    static Result<wamp::List> parseIds(const QString &text, const QString &what);

    QPointer<session::Session> m_session;
    QLineEdit *m_topic;
    JsonEditor *m_args;
    JsonEditor *m_kwargs;
    QCheckBox *m_ack;
    QCheckBox *m_excludeMe;
    QCheckBox *m_disclose;
    QLineEdit *m_eligible;
    QLineEdit *m_exclude;
    QSpinBox *m_count;
    QSpinBox *m_interval;
    QPushButton *m_publishBtn;
    QPushButton *m_stopBtn;
    QLabel *m_status;
    QLabel *m_error;
    QTimer *m_timer;

    QString m_runTopic;
    wamp::List m_runArgs;
    wamp::Dict m_runKwargs;
    wamp::Dict m_runOptions;
    qint64 m_remaining = 0; ///< -1 = until stopped
    quint64 m_sent = 0;
    quint64 m_acked = 0;
    quint64 m_errors = 0;
    quint64 m_lastPublication = 0;
    QString m_lastError;
};

} // namespace wb::ui
