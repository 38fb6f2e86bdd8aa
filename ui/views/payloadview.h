// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Payload viewer: a collapsible tree (ValueTreeModel) and raw text (pretty JSON, bytes as hex), as tabs.

#include "wamp/value.h"

#include <QTabWidget>

class QPlainTextEdit;
class QTreeView;

namespace wb::ui {

class ValueTreeModel;

class PayloadView : public QTabWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PayloadView)
public:
    explicit PayloadView(QWidget *parent = nullptr);
    /// Show {"args": ..., "kwargs": ...} (or any value).
    void setPayload(const wamp::Value &root);
    void clearPayload();
    ValueTreeModel *treeModel() const { return m_model; }
    QString rawText() const;

private:
    ValueTreeModel *m_model;
    QTreeView *m_tree;
    QPlainTextEdit *m_raw;
};

} // namespace wb::ui
