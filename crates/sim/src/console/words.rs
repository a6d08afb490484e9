//! Splitting a command line into words the way a POSIX shell does for simple commands: blanks
//! separate words, single quotes keep everything literally, double quotes keep blanks and allow
//! `\"` and `\\`, a backslash outside quotes escapes the next character.

/// The words of `line`, or what is wrong with its quoting.
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into());
                            }
                        },
                        Some('$') if chars.clone().next() == Some('(') => {
                            return Err(shell_feature('$'));
                        }
                        Some(c) => word.push(c),
                        None => {
                            return Err("unexpected EOF while looking for matching `\"'".into());
                        }
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            '|' | ';' | '&' | '>' | '<' | '`' => return Err(shell_feature(c)),
            '$' if chars
                .clone()
                .next()
                .is_some_and(|n| n == '(' || n == '{' || n == '_' || n.is_ascii_alphabetic()) =>
            {
                return Err(shell_feature(c));
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// What to do instead of a shell feature the console does not have (it runs one command, as
/// its words; a real shell would pipe, substitute or redirect). A quoted character is a
/// character: `--query 'a | b'` is one word.
fn shell_feature(c: char) -> String {
    match c {
        '|' => "the console runs one command at a time: pipes (|) are not available. To pick what to print, use the tool's own options: --query and --output text for aws, -o jsonpath=…, -l or --sort-by for kubectl (quote a --query that contains |).".into(),
        ';' | '&' => "the console runs one command at a time: ;, && and & are not available. Type the commands one after the other.".into(),
        '>' | '<' => "redirection (> and <) is not available: select the transcript to copy what a command printed (quote a --query that compares with < or >).".into(),
        '`' | '$' => "shell substitution ($(…), `…`, $VARIABLE) is not available: run the inner command first, then type what it printed (--output text prints bare values).".into(),
        _ => format!("the shell character {c} is not available in the console."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_features_are_refused_with_what_to_do_instead() {
        for line in [
            "kubectl get pods | grep web",
            "aws ecs list-tasks; kubectl get pods",
            "kubectl get pods -o yaml > pod.yaml",
            "aws ecs describe-tasks --tasks $(aws ecs list-tasks)",
            "aws ecs describe-tasks --tasks \"$(aws ecs list-tasks)\"",
            "aws ecs describe-tasks --tasks `x`",
            "aws ecs describe-services --cluster $CLUSTER",
        ] {
            let e = split(line).expect_err(line);
            assert!(e.contains("not available"), "{line}: {e}");
        }
        // Quoted, they are characters of a word.
        assert_eq!(
            split("aws ecs x --query 'a[?b > `1`] | [0]' -o '{$.kind}'").unwrap(),
            [
                "aws",
                "ecs",
                "x",
                "--query",
                "a[?b > `1`] | [0]",
                "-o",
                "{$.kind}"
            ]
        );
        // A dollar that begins no variable stays a dollar.
        assert_eq!(split("orca set-load web $5").unwrap()[3], "$5");
    }

    #[test]
    fn blanks_separate_words_and_quotes_keep_them() {
        assert_eq!(
            split("kubectl  get pods\t-l 'app=web, tier=front'").unwrap(),
            ["kubectl", "get", "pods", "-l", "app=web, tier=front"]
        );
        assert_eq!(
            split(r#"aws ecs x --a "b \"c\" d" e\ f ''"#).unwrap(),
            ["aws", "ecs", "x", "--a", r#"b "c" d"#, "e f", ""]
        );
        assert!(split("echo 'open").is_err());
        assert_eq!(split("   ").unwrap(), Vec::<String>::new());
    }
}
