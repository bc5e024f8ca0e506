package io.celeryexporter.autoscaling.keda;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code scalingModifiers.formula}: the part of KEDA's expression language that combines trigger values. Numbers,
 * trigger names, {@code + - * /}, parentheses, comparisons with {@code ?:}, and {@code min(a, b)}/{@code max(a, b)}.
 * Anything else is refused when the manifest is read, not at run time.
 */
public final class Formula {

    private final String text;
    private final Set<String> names = new TreeSet<>();

    private Formula(String text) {
        this.text = text;
    }

    /** Parses the formula once, so an unsupported construct fails at load. */
    public static Formula parse(String text) {
        Formula f = new Formula(text);
        Parser p = new Parser(text, Map.of(), f.names);
        p.ternary();
        p.expectEnd();
        return f;
    }

    /** The trigger names it reads. */
    public Set<String> names() {
        return Set.copyOf(names);
    }

    public double evaluate(Map<String, Double> values) {
        Parser p = new Parser(text, values, new TreeSet<>());
        return p.ternary();
    }

    @Override
    public String toString() {
        return text;
    }

    private static final class Parser {
        private final String s;
        private final Map<String, Double> values;
        private final Set<String> seen;
        private int i;

        Parser(String s, Map<String, Double> values, Set<String> seen) {
            this.s = s;
            this.values = values;
            this.seen = seen;
        }

        double ternary() {
            double condition = comparison();
            if (!eat("?")) {
                return condition;
            }
            double yes = ternary();
            expect(":");
            double no = ternary();
            return condition != 0 ? yes : no;
        }

        double comparison() {
            double left = sum();
            for (String op : new String[] {">=", "<=", "==", "!=", ">", "<"}) {
                if (eat(op)) {
                    double right = sum();
                    boolean r = switch (op) {
                        case ">=" -> left >= right;
                        case "<=" -> left <= right;
                        case "==" -> left == right;
                        case "!=" -> left != right;
                        case ">" -> left > right;
                        default -> left < right;
                    };
                    return r ? 1 : 0;
                }
            }
            return left;
        }

        double sum() {
            double v = product();
            while (true) {
                if (eat("+")) {
                    v += product();
                } else if (eat("-")) {
                    v -= product();
                } else {
                    return v;
                }
            }
        }

        double product() {
            double v = unary();
            while (true) {
                if (eat("*")) {
                    v *= unary();
                } else if (eat("/")) {
                    v /= unary();
                } else {
                    return v;
                }
            }
        }

        double unary() {
            return eat("-") ? -unary() : atom();
        }

        double atom() {
            skipSpace();
            if (eat("(")) {
                double v = ternary();
                expect(")");
                return v;
            }
            int start = i;
            if (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                return Double.parseDouble(s.substring(start, i));
            }
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                i++;
            }
            String name = s.substring(start, i);
            if (name.isEmpty()) {
                throw new IllegalArgumentException("unexpected '" + rest() + "' in formula '" + s + "'");
            }
            if ((name.equals("min") || name.equals("max")) && eat("(")) {
                double a = ternary();
                expect(",");
                double b = ternary();
                expect(")");
                return name.equals("min") ? Math.min(a, b) : Math.max(a, b);
            }
            seen.add(name);
            return values.getOrDefault(name, 0.0);
        }

        boolean eat(String token) {
            skipSpace();
            if (s.startsWith(token, i)) {
                i += token.length();
                return true;
            }
            return false;
        }

        void expect(String token) {
            if (!eat(token)) {
                throw new IllegalArgumentException("expected '" + token + "' at '" + rest() + "' in formula '" + s
                        + "'");
            }
        }

        void expectEnd() {
            skipSpace();
            if (i < s.length()) {
                throw new IllegalArgumentException("unsupported '" + rest() + "' in formula '" + s + "'");
            }
        }

        private String rest() {
            return i < s.length() ? s.substring(i) : "end";
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
