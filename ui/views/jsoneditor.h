// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A small JSON editor: syntax highlighting (QSyntaxHighlighter) and inline validation with line/column.
// The expected kind (array for args, object for kwargs) is checked too; blank means "none" when allowed.

#include "wamp/value.h"

#include <QSyntaxHighlighter>
#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace wb::ui {

class JsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit JsonHighlighter(QTextDocument *doc);
    /// Mark an error position (1-based line/column); 0 clears.
    void setErrorPosition(int line, int column);

protected:
    void highlightBlock(const QString &text) override;

private:
    int m_errorLine = 0;
    int m_errorColumn = 0;
};

class JsonEditor : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonEditor)
public:
    enum class Expect { Any, Array, Object };

    explicit JsonEditor(Expect expect, QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    void setPlaceholderText(const QString &text);
    /// Off: no validation (templates with {{...}} placeholders).
    void setValidationEnabled(bool on);
    bool isValid() const { return m_valid; }
    QString errorText() const;
    /// The parsed value (an empty list/dict for blank text).
    wamp::Value value() const { return m_value; }
    QPlainTextEdit *editor() const { return m_edit; }

signals:
    void validityChanged(bool valid);
    void textChanged();

private:
    void validate();

    Expect m_expect;
    QPlainTextEdit *m_edit;
    QLabel *m_error;
    JsonHighlighter *m_highlighter;
    bool m_validate = true;
    bool m_valid = true;
    wamp::Value m_value;
};

} // namespace wb::ui
