<?php

declare(strict_types=1);

/**
 * What a PHP source calls in the Bitrix core, read with PHP's tokenizer, and a check of those
 * calls against the table of core signatures (tests/bitrix/core-signatures.json).
 *
 * add() reads one file (namespaces, `use` imports, the classes, methods, properties and
 * functions it declares); uses() then lists, for all files added, every class, method, function,
 * constant and event the sources refer to, with the arguments of each call (counted at depth 0,
 * so nested calls, arrays, closures and match arms do not count; named arguments and `...`
 * spreads are kept). Receivers are followed where their class is clear: `$this`, the globals the
 * table names ($APPLICATION, $USER), typed parameters, variables assigned from `new X` or from a
 * call chain whose return class the table (or the source's own return type) gives.
 * check() turns those uses into violations: unknown symbols, too many or too few arguments,
 * static/instance mismatches, non-variables passed by reference, events the core does not fire
 * (or fires the other way), incompatible overrides.
 *
 * Nothing here needs Bitrix: only PHP and the table.
 */
final class ModuleCalls
{
    private const NAME = [T_STRING, T_NAME_QUALIFIED, T_NAME_FULLY_QUALIFIED, T_NAME_RELATIVE];

    private const BUILTIN_TYPES = ['string', 'int', 'float', 'bool', 'array', 'mixed', 'void', 'never', 'null', 'false',
        'true', 'self', 'static', 'parent', 'iterable', 'callable', 'object'];

    /** Event registration: method or function (lower case) => [kind of handler it registers, index of module, index of event]. */
    private const REGISTRATIONS = [
        'bitrix\main\eventmanager::registereventhandler' => ['d7', 0, 1],
        'bitrix\main\eventmanager::registereventhandlercompatible' => ['compatible', 0, 1],
        'bitrix\main\eventmanager::addeventhandler' => ['d7', 0, 1],
        'bitrix\main\eventmanager::addeventhandlercompatible' => ['compatible', 0, 1],
        'bitrix\main\eventmanager::unregistereventhandler' => ['any', 0, 1],
        'registermoduledependences' => ['compatible', 0, 1],
        'unregistermoduledependences' => ['any', 0, 1],
        'addeventhandler' => ['compatible', 0, 1],
    ];

    /** @var array<string, mixed> the table (core-signatures.json) */
    private array $table;

    /** @var array<string, array<string, mixed>> lower class name => table entry, methods keyed lower case */
    private array $tableClasses = [];

    /** @var array<string, array<string, mixed>> lower FQN => declaration read from the sources */
    private array $declared = [];

    /** @var array<string, true> lower FQN of functions the sources declare */
    private array $declaredFunctions = [];

    /** @var list<array<string, mixed>> analysed files */
    private array $files = [];

    /** @var list<array<string, mixed>>|null */
    private ?array $uses = null;

    // state of the file being scanned
    private array $k = [];
    private array $x = [];
    private array $ln = [];
    private array $match = [];
    private array $nsBlocks = [];
    private array $consumed = [];
    private array $typePos = [];
    private array $functions = [];
    private array $classRanges = [];
    private string $file = '';
    /** @var array<int|string, array<string, list<string>>> scope key => var => classes */
    private array $vars = [];
    private array $rowVars = [];
    private array $conditions = [];
    private array $out = [];

    /** @param array<string, mixed> $table decoded core-signatures.json (may be empty: then no chain is followed) */
    public function __construct(array $table = [])
    {
        $this->table = $table;
        foreach ($table['classes'] ?? [] as $name => $entry) {
            $methods = [];
            foreach ($entry['methods'] ?? [] as $m => $info) {
                $methods[strtolower($m)] = ['name' => $m] + $info;
            }
            $entry['methods'] = $methods;
            $entry['name'] = $name;
            $this->tableClasses[strtolower($name)] = $entry;
        }
    }

    /** Reads one source (pass 1: declarations). */
    public function add(string $file, string $code): void
    {
        $this->load($file, $code);
        $this->files[] = ['file' => $file, 'k' => $this->k, 'x' => $this->x, 'ln' => $this->ln, 'match' => $this->match,
            'ns' => $this->nsBlocks, 'consumed' => $this->consumed, 'typePos' => $this->typePos, 'functions' => $this->functions,
            'classes' => $this->classRanges];
        $this->uses = null;
    }

    /** @return list<array<string, mixed>> every reference of the added sources (pass 2) */
    public function uses(): array
    {
        if ($this->uses !== null) {
            return $this->uses;
        }
        $this->uses = [];
        foreach ($this->files as $f) {
            [$this->file, $this->k, $this->x, $this->ln, $this->match, $this->nsBlocks, $this->consumed, $this->typePos,
                $this->functions, $this->classRanges] = [$f['file'], $f['k'], $f['x'], $f['ln'], $f['match'], $f['ns'],
                $f['consumed'], $f['typePos'], $f['functions'], $f['classes']];
            $this->out = [];
            $this->functionTypeEmitted = [];
            $this->scan();
            array_push($this->uses, ...$this->out);
        }
        return $this->uses;
    }

    /** True when the sources declare this class (or it lies in the module's namespace). */
    public function isOwnClass(string $class): bool
    {
        $lower = strtolower(ltrim($class, '\\'));
        return isset($this->declared[$lower]) || str_starts_with($lower, 'retaillab\\cashback\\');
    }

    // ------------------------------------------------------------------ loading (pass 1)

    private function load(string $file, string $code): void
    {
        $this->file = $file;
        $this->k = $this->x = $this->ln = [];
        foreach (PhpToken::tokenize($code) as $t) {
            if ($t->id === T_WHITESPACE || $t->id === T_COMMENT || $t->id === T_DOC_COMMENT || $t->id === T_OPEN_TAG) {
                continue;
            }
            if ($t->id === T_CLOSE_TAG || $t->id === T_INLINE_HTML) {
                $this->k[] = ';';
                $this->x[] = ';';
            } else {
                $this->k[] = $t->id < 256 ? $t->text : $t->id;
                $this->x[] = $t->text;
            }
            $this->ln[] = $t->line;
        }
        $n = count($this->k);
        $this->match = [];
        $stack = [];
        for ($i = 0; $i < $n; $i++) {
            $k = $this->k[$i];
            if ($k === '(' || $k === '[' || $k === '{' || $k === T_CURLY_OPEN || $k === T_DOLLAR_OPEN_CURLY_BRACES || $k === T_ATTRIBUTE) {
                $stack[] = $i;
            } elseif ($k === ')' || $k === ']' || $k === '}') {
                $open = array_pop($stack);
                if ($open !== null) {
                    $this->match[$open] = $i;
                    $this->match[$i] = $open;
                }
            }
        }
        $this->consumed = [];
        $this->typePos = [];
        $this->functions = [];
        $this->classRanges = [];
        $this->readNamespaces();
        $this->readAttributesAndDeclare();
        $this->readFunctions();
        $this->readClasses();
        $this->readTypePositions();
        $this->readTopLevelFunctions();
    }

    private function readNamespaces(): void
    {
        $this->nsBlocks = [['start' => 0, 'ns' => '', 'classes' => [], 'functions' => [], 'constants' => []]];
        $n = count($this->k);
        $classDepth = [];
        for ($i = 0; $i < $n; $i++) {
            if ($this->k[$i] === T_NAMESPACE && !in_array($this->k[$i + 1] ?? null, ['\\', T_NS_SEPARATOR], true)
                && ($this->k[$i + 1] ?? null) !== '(') {
                $name = '';
                $j = $i + 1;
                if (in_array($this->k[$j] ?? null, self::NAME, true)) {
                    $name = ltrim($this->x[$j], '\\');
                    $this->consumed[$j] = true;
                    $j++;
                }
                $this->nsBlocks[] = ['start' => $i, 'ns' => $name, 'classes' => [], 'functions' => [], 'constants' => []];
                $i = $j;
                continue;
            }
            if ($this->k[$i] !== T_USE) {
                continue;
            }
            $prev = $this->k[$i - 1] ?? ';';
            if ($prev === ')' || $this->insideClassBody($i)) {
                continue; // closure use (...) or trait use: handled elsewhere
            }
            $kind = 'classes';
            $j = $i + 1;
            if ($this->k[$j] === T_FUNCTION) {
                $kind = 'functions';
                $j++;
            } elseif ($this->k[$j] === T_CONST) {
                $kind = 'constants';
                $j++;
            }
            $end = $j;
            while ($end < $n && $this->k[$end] !== ';') {
                $end++;
            }
            $this->readImportList($j, $end, '', $kind);
            for ($m = $i; $m <= $end; $m++) {
                $this->consumed[$m] = true;
            }
            $i = $end;
        }
    }

    private function readImportList(int $from, int $to, string $prefix, string $kind): void
    {
        $block = count($this->nsBlocks) - 1;
        $j = $from;
        while ($j < $to) {
            if (!in_array($this->k[$j], self::NAME, true)) {
                $j++;
                continue;
            }
            $name = $prefix . ltrim($this->x[$j], '\\');
            $j++;
            if (in_array($this->k[$j] ?? null, [T_NS_SEPARATOR, '\\'], true) && ($this->k[$j + 1] ?? null) === '{') {
                $close = $this->match[$j + 1] ?? $to;
                $this->readImportList($j + 2, $close, $name . '\\', $kind);
                $j = $close + 1;
                continue;
            }
            $alias = substr($name, (int) strrpos('\\' . $name, '\\'));
            if (($this->k[$j] ?? null) === T_AS) {
                $alias = $this->x[$j + 1];
                $j += 2;
            }
            $this->nsBlocks[$block][$kind][strtolower($alias)] = $name;
        }
    }

    private function readAttributesAndDeclare(): void
    {
        $n = count($this->k);
        for ($i = 0; $i < $n; $i++) {
            if ($this->k[$i] === T_ATTRIBUTE || ($this->k[$i] === T_DECLARE && ($this->k[$i + 1] ?? null) === '(')) {
                $open = $this->k[$i] === T_ATTRIBUTE ? $i : $i + 1;
                $close = $this->match[$open] ?? $open;
                for ($m = $i; $m <= $close; $m++) {
                    $this->consumed[$m] = true;
                }
                $i = $close;
            }
        }
    }

    /** Signatures of every function, method, closure and arrow function. */
    private function readFunctions(): void
    {
        $n = count($this->k);
        for ($i = 0; $i < $n; $i++) {
            if ($this->k[$i] !== T_FUNCTION && $this->k[$i] !== T_FN) {
                continue;
            }
            if (isset($this->consumed[$i])) {
                continue;
            }
            $j = $i + 1;
            if ($this->k[$j] === '&') {
                $j++;
            }
            $name = null;
            if ($this->k[$j] !== '(') {
                $name = $this->x[$j];
                $this->consumed[$j] = true;
                $j++;
            }
            if ($this->k[$j] !== '(') {
                continue;
            }
            $open = $j;
            $close = $this->match[$open];
            $params = $this->readParams($open, $close);
            $j = $close + 1;
            $uses = [];
            if ($this->k[$j] === T_USE && $this->k[$j + 1] === '(') {
                for ($m = $j + 2; $m < $this->match[$j + 1]; $m++) {
                    if ($this->k[$m] === T_VARIABLE) {
                        $uses[] = $this->x[$m];
                    }
                }
                $j = $this->match[$j + 1] + 1;
            }
            $returns = [];
            if ($this->k[$j] === ':') {
                $j++;
                while ($j < $n && !in_array($this->k[$j], ['{', ';', T_DOUBLE_ARROW], true)) {
                    if (in_array($this->k[$j], self::NAME, true) || $this->k[$j] === T_STATIC) {
                        $this->typePos[$j] = true;
                        $returns[] = $j;
                    }
                    $j++;
                }
            }
            $bodyOpen = null;
            $bodyEnd = null;
            if ($this->k[$j] === '{') {
                $bodyOpen = $j;
                $bodyEnd = $this->match[$j];
            } elseif ($this->k[$j] === T_DOUBLE_ARROW) {
                $bodyOpen = $j;
                $bodyEnd = $this->expressionEnd($j + 1);
            }
            $this->functions[$i] = ['name' => $name, 'params' => $params, 'uses' => $uses, 'returnTokens' => $returns,
                'bodyOpen' => $bodyOpen, 'bodyEnd' => $bodyEnd, 'arrow' => $this->k[$i] === T_FN, 'line' => $this->ln[$i],
                'modifiers' => $this->modifiersBefore($i)];
        }
    }

    /** @return list<array<string, mixed>> */
    private function readParams(int $open, int $close): array
    {
        $params = [];
        foreach ($this->splitArgs($open, $close) as [$a, $b]) {
            $p = ['name' => null, 'types' => [], 'optional' => false, 'by_ref' => false, 'variadic' => false, 'promoted' => false];
            $beforeVar = true;
            for ($m = $a; $m <= $b; $m++) {
                $k = $this->k[$m];
                if ($k === T_ATTRIBUTE) {
                    $m = $this->match[$m];
                    continue;
                }
                if (!$beforeVar) {
                    if ($k === '=') {
                        $p['optional'] = true;
                        break;
                    }
                    continue;
                }
                if ($k === T_VARIABLE) {
                    $p['name'] = substr($this->x[$m], 1);
                    $beforeVar = false;
                } elseif ($k === '&') {
                    $p['by_ref'] = true;
                } elseif ($k === T_ELLIPSIS) {
                    $p['variadic'] = true;
                } elseif (in_array($k, [T_PUBLIC, T_PROTECTED, T_PRIVATE, T_READONLY], true)) {
                    $p['promoted'] = true;
                } elseif (in_array($k, self::NAME, true)) {
                    $this->typePos[$m] = true;
                    $p['types'][] = $m;
                }
            }
            $params[] = $p;
        }
        return $params;
    }

    private function modifiersBefore(int $i): array
    {
        $mods = [];
        for ($j = $i - 1; $j >= 0; $j--) {
            $k = $this->k[$j];
            if (in_array($k, [T_STATIC, T_PUBLIC, T_PROTECTED, T_PRIVATE, T_FINAL, T_ABSTRACT], true)) {
                $mods[] = strtolower($this->x[$j]);
                continue;
            }
            break;
        }
        return $mods;
    }

    private function readClasses(): void
    {
        $n = count($this->k);
        for ($i = 0; $i < $n; $i++) {
            $k = $this->k[$i];
            if (!in_array($k, [T_CLASS, T_INTERFACE, T_TRAIT, T_ENUM], true)) {
                continue;
            }
            $prev = $this->k[$i - 1] ?? null;
            if ($prev === T_DOUBLE_COLON) {
                continue; // X::class
            }
            $anonymous = $prev === T_NEW;
            $j = $i + 1;
            $name = null;
            if (!$anonymous) {
                $name = $this->x[$j];
                $this->consumed[$j] = true;
                $j++;
            } elseif ($this->k[$j] === '(') {
                $j = $this->match[$j] + 1;
            }
            $parent = null;
            $interfaces = [];
            while ($j < $n && $this->k[$j] !== '{') {
                if ($this->k[$j] === T_EXTENDS || $this->k[$j] === T_IMPLEMENTS) {
                    $isExtends = $this->k[$j] === T_EXTENDS && $k === T_CLASS;
                    $j++;
                    while (in_array($this->k[$j], self::NAME, true) || $this->k[$j] === ',') {
                        if ($this->k[$j] !== ',') {
                            $this->consumed[$j] = true;
                            $resolved = $this->resolveClassAt($j, $this->x[$j]);
                            $this->classRanges[] = ['ref' => $j, 'kind' => $isExtends ? 'extends' : 'implements', 'class' => $resolved];
                            if ($isExtends) {
                                $parent = $resolved;
                            } else {
                                $interfaces[] = $resolved;
                            }
                        }
                        $j++;
                    }
                    continue;
                }
                $j++;
            }
            if ($j >= $n) {
                continue;
            }
            $open = $j;
            $close = $this->match[$open];
            $fqn = $name === null ? null : $this->qualify($i, $name);
            $info = ['name' => $fqn, 'parent' => $parent, 'interfaces' => $interfaces, 'methods' => [], 'properties' => [],
                'constants' => [], 'file' => $this->file, 'line' => $this->ln[$i], 'kind' => strtolower($this->x[$i])];
            // direct members
            for ($m = $open + 1; $m < $close; $m++) {
                $km = $this->k[$m];
                if ($km === '{' || $km === '(' || $km === '[' || $km === T_CURLY_OPEN || $km === T_DOLLAR_OPEN_CURLY_BRACES) {
                    $m = $this->match[$m];
                    continue;
                }
                if ($km === T_FUNCTION && isset($this->functions[$m])) {
                    $f = $this->functions[$m];
                    $info['methods'][strtolower((string) $f['name'])] = $f + ['index' => $m];
                    foreach ($f['params'] as $p) {
                        if ($p['promoted'] && $p['name'] !== null) {
                            $info['properties'][$p['name']] = true;
                        }
                    }
                    $m = $f['bodyEnd'] ?? $m;
                    continue;
                }
                if ($km === T_VARIABLE) {
                    $info['properties'][substr($this->x[$m], 1)] = true;
                } elseif ($km === T_CONST) {
                    for ($c = $m + 1; $c < $close && $this->k[$c] !== ';'; $c++) {
                        if ($this->k[$c] === '(' || $this->k[$c] === '[') {
                            $c = $this->match[$c];
                            continue;
                        }
                        $isName = in_array($this->k[$c], self::NAME, true);
                        if ($isName && ($this->k[$c + 1] ?? null) === '=' && in_array($this->k[$c - 1], [T_CONST, ',', T_STRING], true)) {
                            $info['constants'][$this->x[$c]] = true;
                            $this->consumed[$c] = true;
                        } elseif ($isName && in_array($this->k[$c + 1] ?? null, self::NAME, true) && ($this->k[$c + 2] ?? null) === '=') {
                            $this->typePos[$c] = true; // typed constant (PHP 8.3)
                        }
                    }
                } elseif ($km === T_CASE && $k === T_ENUM) {
                    $info['constants'][$this->x[$m + 1]] = true;
                    $this->consumed[$m + 1] = true;
                } elseif ($km === T_USE) {
                    for ($c = $m + 1; $c < $close && $this->k[$c] !== ';' && $this->k[$c] !== '{'; $c++) {
                        if (in_array($this->k[$c], self::NAME, true)) {
                            $this->consumed[$c] = true;
                            $this->classRanges[] = ['ref' => $c, 'kind' => 'trait', 'class' => $this->resolveClassAt($c, $this->x[$c])];
                        }
                    }
                    if ($this->k[$c] === '{') {
                        for ($d = $c; $d <= $this->match[$c]; $d++) {
                            $this->consumed[$d] = true;
                        }
                    }
                }
            }
            foreach ($info['methods'] as $lm => $method) {
                $names = array_values(array_filter($method['returnTokens'], fn (int $t) => strtolower($this->x[$t]) !== 'null'));
                $returns = null;
                if (count($names) === 1) {
                    $word = strtolower($this->x[$names[0]]);
                    if ($word === 'self' || $word === 'static' || $this->k[$names[0]] === T_STATIC) {
                        $returns = ['static'];
                    } elseif ($word === 'parent') {
                        $returns = $parent !== null ? [$parent] : null;
                    } elseif (!in_array($word, self::BUILTIN_TYPES, true)) {
                        $returns = [$this->resolveClassAt($names[0], $this->x[$names[0]])];
                    }
                }
                $info['methods'][$lm]['returns'] = $returns;
            }
            $this->classRanges[] = ['open' => $open, 'close' => $close, 'info' => $info, 'start' => $i];
            if ($fqn !== null) {
                $this->declared[strtolower($fqn)] = $info;
            }
        }
    }

    private function readTopLevelFunctions(): void
    {
        foreach ($this->functions as $i => $f) {
            if ($f['name'] !== null && !$this->insideClassBody($i) && $this->k[$i] === T_FUNCTION) {
                $this->declaredFunctions[strtolower($this->qualify($i, $f['name']))] = true;
            }
        }
    }

    /** Names in type positions: before a variable (properties, parameters), unions, catch clauses, instanceof. */
    private function readTypePositions(): void
    {
        $n = count($this->k);
        for ($i = 0; $i < $n; $i++) {
            $k = $this->k[$i];
            if ($k === T_CATCH && $this->k[$i + 1] === '(') {
                for ($m = $i + 2; $m < $this->match[$i + 1]; $m++) {
                    if (in_array($this->k[$m], self::NAME, true)) {
                        $this->typePos[$m] = true;
                    }
                }
                continue;
            }
            if (!in_array($k, self::NAME, true) || isset($this->consumed[$i])) {
                continue;
            }
            $chain = [$i];
            $m = $i + 1;
            while (in_array($this->k[$m] ?? null, ['|', '&'], true) && in_array($this->k[$m + 1] ?? null, self::NAME, true)) {
                $chain[] = $m + 1;
                $m += 2;
            }
            $next = $this->k[$m] ?? null;
            if ($next === '&') {
                $next = $this->k[$m + 1] ?? null;
            }
            if ($next === T_VARIABLE || $next === T_ELLIPSIS) {
                foreach ($chain as $c) {
                    $this->typePos[$c] = true;
                }
            }
        }
    }

    // ------------------------------------------------------------------ scanning (pass 2)

    private function scan(): void
    {
        $n = count($this->k);
        $this->vars = [-1 => []];
        $this->rowVars = [];
        $this->conditions = [];
        foreach ($this->classRanges as $r) {
            if (isset($r['ref'])) {
                $this->emit('class', $r['ref'], ['class' => $r['class'], 'how' => $r['kind']]);
            }
        }
        foreach ($this->classRanges as $r) {
            if (isset($r['info']) && $r['info']['name'] !== null) {
                $this->emitOverrides($r['info']);
            }
        }
        foreach ($this->functions as $f) {
            foreach ($f['params'] as $p) {
                foreach ($p['types'] as $t) {
                    $this->emitType($t);
                }
            }
            foreach ($f['returnTokens'] as $t) {
                $this->emitType($t);
            }
        }
        $newDone = [];
        for ($i = 0; $i < $n; $i++) {
            $k = $this->k[$i];
            if (isset($this->functions[$i])) {
                $this->enterFunction($i);
            }
            if ($k === T_IF && $this->k[$i + 1] === '(') {
                $this->readCondition($i);
            }
            if ($k === T_FOREACH && $this->k[$i + 1] === '(') {
                $this->readForeach($i);
            }
            if ($k === T_INSTANCEOF && in_array($this->k[$i + 1], self::NAME, true)) {
                $this->consumed[$i + 1] = true;
                $this->emit('class', $i + 1, ['class' => $this->resolveClassAt($i + 1, $this->x[$i + 1]), 'how' => 'instanceof']);
                continue;
            }
            if (isset($this->typePos[$i]) && in_array($k, self::NAME, true) && !isset($this->functionTypeEmitted[$i])) {
                $this->emitType($i);
                continue;
            }
            if ($k === T_VARIABLE && ($this->k[$i + 1] ?? null) === '=') {
                $this->assign($i);
            }
            if ($k === T_NEW && !isset($newDone[$i])) {
                $this->chain($i, true, $newDone);
                continue;
            }
            if ($k === '(' && ($this->k[$i + 1] ?? null) === T_NEW) {
                $this->chain($i, true, $newDone);
                continue;
            }
            if ($k === T_VARIABLE && in_array($this->k[$i + 1] ?? null, [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR, T_DOUBLE_COLON], true)) {
                $this->chain($i, true, $newDone);
                continue;
            }
            if ($k === T_STATIC && ($this->k[$i + 1] ?? null) !== T_DOUBLE_COLON) {
                continue;
            }
            if ((in_array($k, self::NAME, true) || $k === T_STATIC) && !isset($this->consumed[$i]) && !isset($this->typePos[$i])) {
                $prev = $this->k[$i - 1] ?? null;
                if (in_array($prev, [T_OBJECT_OPERATOR, T_NULLSAFE_OBJECT_OPERATOR, T_DOUBLE_COLON, T_FUNCTION, T_NEW, T_CONST, T_GOTO,
                    T_FN, T_AS, T_INSTEADOF, T_CLASS, T_INTERFACE, T_TRAIT, T_ENUM, T_EXTENDS, T_IMPLEMENTS, T_USE, T_NAMESPACE], true)) {
                    continue;
                }
                $next = $this->k[$i + 1] ?? null;
                if ($next === T_DOUBLE_COLON || $next === '(') {
                    $this->chain($i, true, $newDone);
                    continue;
                }
                if ($next === ':' && in_array($prev, ['(', ',', ';', '{', '}'], true)) {
                    continue; // named argument label or goto label
                }
                $this->constantUse($i, $this->x[$i]);
            }
        }
    }

    private array $functionTypeEmitted = [];

    private function emitType(int $i): void
    {
        if (isset($this->functionTypeEmitted[$i])) {
            return;
        }
        $this->functionTypeEmitted[$i] = true;
        $name = $this->x[$i];
        if (in_array(strtolower($name), self::BUILTIN_TYPES, true) || $this->k[$i] === T_STATIC) {
            return;
        }
        $this->emit('class', $i, ['class' => $this->resolveClassAt($i, $name), 'how' => 'type']);
    }

    private function enterFunction(int $i): void
    {
        $f = $this->functions[$i];
        $parent = $this->scopeKey($i);
        $vars = $f['arrow'] ? ($this->vars[$parent] ?? []) : [];
        foreach ($f['uses'] as $u) {
            if (isset($this->vars[$parent][$u])) {
                $vars[$u] = $this->vars[$parent][$u];
            }
        }
        foreach ($f['params'] as $p) {
            if ($p['name'] === null) {
                continue;
            }
            $classes = [];
            foreach ($p['types'] as $t) {
                $name = $this->x[$t];
                if (!in_array(strtolower($name), self::BUILTIN_TYPES, true)) {
                    $classes[] = $this->resolveClassAt($t, $name);
                }
            }
            if (count($classes) === 1) {
                $vars['$' . $p['name']] = $classes;
            } else {
                unset($vars['$' . $p['name']]);
            }
        }
        $this->vars[$i] = $vars;
    }

    /** Innermost function (key of $this->functions) whose body holds token $i, or -1 (file level). */
    private function scopeKey(int $i): int
    {
        $best = -1;
        $bestOpen = -1;
        foreach ($this->functions as $fi => $f) {
            if ($f['bodyOpen'] !== null && $f['bodyOpen'] < $i && $i <= $f['bodyEnd'] && $f['bodyOpen'] > $bestOpen) {
                $best = $fi;
                $bestOpen = $f['bodyOpen'];
            }
        }
        return $best;
    }

    private function varType(int $i, string $var): ?array
    {
        if ($var === '$this') {
            $c = $this->classAt($i);
            return $c !== null && $c['name'] !== null ? [$c['name']] : null;
        }
        $scope = $this->scopeKey($i);
        if (array_key_exists($var, $this->vars[$scope] ?? [])) {
            return $this->vars[$scope][$var];
        }
        $global = $this->table['globals'][ltrim($var, '$')]['class'] ?? null;
        return $global !== null ? [$global] : null;
    }

    private function assign(int $i): void
    {
        $scope = $this->scopeKey($i);
        $none = [];
        [$type, $end] = $this->chain($i + 2, false, $none);
        $after = $this->k[$end + 1] ?? ';';
        $this->vars[$scope][$this->x[$i]] = ($type !== null && in_array($after, [';', ')'], true) && $end > $i + 1) ? $type : null;
    }

    /**
     * Follows a primary (variable, class name, function call, `new`, `(new X)`) and its ->/::/?-> chain.
     * With $record the calls are emitted. @return array{0: ?list<string>, 1: int} type of the whole chain, last token
     */
    private function chain(int $i, bool $record, array &$newDone): array
    {
        $k = $this->k[$i] ?? null;
        $type = null;
        $this_ = false;
        $staticClass = null;
        $keyword = null;
        if ($k === T_VARIABLE) {
            $type = $this->varType($i, $this->x[$i]);
            $this_ = $this->x[$i] === '$this';
            $last = $i;
        } elseif ($k === T_NEW) {
            [$type, $last] = $this->newExpression($i, $record);
            $newDone[$i] = true;
        } elseif ($k === '(' && ($this->k[$i + 1] ?? null) === T_NEW) {
            [$type, $inner] = $this->newExpression($i + 1, $record);
            $newDone[$i + 1] = true;
            $last = $this->match[$i];
            if ($inner !== $last - 1) {
                $type = null;
            }
        } elseif ((in_array($k, self::NAME, true) || $k === T_STATIC) && ($this->k[$i + 1] ?? null) === T_DOUBLE_COLON) {
            $word = strtolower($this->x[$i]);
            $keyword = in_array($word, ['self', 'static', 'parent'], true) ? $word : null;
            $staticClass = $this->resolveClassAt($i, $this->x[$i]);
            if ($record && $keyword === null) {
                $this->emit('class', $i, ['class' => $staticClass, 'how' => 'static']);
            }
            $last = $i;
        } elseif (in_array($k, self::NAME, true) && ($this->k[$i + 1] ?? null) === '(') {
            $args = $this->args($i + 1);
            if ($record && $args !== null) {
                $this->functionUse($i, $args);
            }
            $last = $this->match[$i + 1];
        } else {
            return [null, $i];
        }
        $j = $last + 1;
        while (true) {
            $op = $this->k[$j] ?? null;
            if ($op === T_OBJECT_OPERATOR || $op === T_NULLSAFE_OBJECT_OPERATOR) {
                $m = $j + 1;
                if (!$this->identifierAt($m)) {
                    return [null, $m];
                }
                $name = $this->x[$m];
                if (($this->k[$m + 1] ?? null) === '(') {
                    $args = $this->args($m + 1);
                    if ($args === null) {
                        return [null, $this->match[$m + 1]];
                    }
                    if ($record && $type !== null) {
                        $this->emit('call', $m, ['classes' => $type, 'method' => $name, 'syntax' => '->', 'this' => $this_, 'args' => $args]);
                        foreach ($type as $class) {
                            $this->registration(strtolower($class . '::' . $name), $m, $args);
                        }
                    }
                    $type = $type !== null ? $this->returnType($type, $name) : null;
                    $j = $this->match[$m + 1] + 1;
                } else {
                    if ($record && $this_ && $type !== null) {
                        $this->emit('property', $m, ['classes' => $type, 'property' => $name]);
                    }
                    $type = null;
                    $j = $m + 1;
                }
                $this_ = false;
                $staticClass = null;
                $keyword = null;
                continue;
            }
            if ($op === T_DOUBLE_COLON) {
                $m = $j + 1;
                $mk = $this->k[$m] ?? null;
                if ($mk === T_CLASS) {
                    $type = null;
                    $j = $m + 1;
                    $staticClass = null;
                    continue;
                }
                if ($mk === T_VARIABLE || !$this->identifierAt($m)) {
                    $type = null;
                    $staticClass = null;
                    $j = $m + 1;
                    continue;
                }
                $name = $this->x[$m];
                if (($this->k[$m + 1] ?? null) === '(') {
                    $args = $this->args($m + 1);
                    if ($args === null) {
                        return [null, $this->match[$m + 1]];
                    }
                    if ($staticClass !== null) {
                        if ($record) {
                            $this->emit('static', $m, ['class' => $staticClass, 'method' => $name, 'keyword' => $keyword, 'args' => $args]);
                            $this->registration(strtolower($staticClass . '::' . $name), $m, $args);
                        }
                        $type = $this->returnType([$staticClass], $name);
                    } else {
                        $type = null;
                    }
                    $j = $this->match[$m + 1] + 1;
                } else {
                    if ($record && $staticClass !== null) {
                        $this->emit('classconst', $m, ['class' => $staticClass, 'constant' => $name, 'keyword' => $keyword]);
                    }
                    $type = null;
                    $j = $m + 1;
                }
                $staticClass = null;
                $keyword = null;
                $this_ = false;
                continue;
            }
            if ($op === '[') {
                $j = ($this->match[$j] ?? $j) + 1;
                $type = null;
                $staticClass = null;
                $this_ = false;
                continue;
            }
            break;
        }
        return [$type, $j - 1];
    }

    /** @return array{0: ?list<string>, 1: int} */
    private function newExpression(int $i, bool $record): array
    {
        $m = $i + 1;
        $mk = $this->k[$m] ?? null;
        if ($mk === T_CLASS) {
            return [null, $m]; // anonymous class: its parent is recorded as extends
        }
        if (!in_array($mk, self::NAME, true) && $mk !== T_STATIC) {
            return [null, $m];
        }
        $this->consumed[$m] = true;
        $class = $this->resolveClassAt($m, $this->x[$m]);
        $args = [];
        $last = $m;
        if (($this->k[$m + 1] ?? null) === '(') {
            $args = $this->args($m + 1) ?? [];
            $last = $this->match[$m + 1];
        }
        if ($record) {
            $this->emit('new', $m, ['class' => $class, 'args' => $args, 'keyword' => in_array(strtolower($this->x[$m]), ['self', 'static', 'parent'], true)]);
        }
        return [[$class], $last];
    }

    private function identifierAt(int $m): bool
    {
        return isset($this->x[$m]) && preg_match('/^[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*$/', $this->x[$m]) === 1
            && $this->k[$m] !== T_VARIABLE;
    }

    /** @return ?list<string> */
    private function returnType(array $classes, string $method): ?array
    {
        foreach ($classes as $class) {
            $found = $this->findMethod($class, $method);
            if ($found === null) {
                continue;
            }
            [$owner, $info] = $found;
            $returns = $info['returns'] ?? null;
            if ($returns === null) {
                return null;
            }
            return array_values(array_unique(array_map(static fn (string $r) => $r === 'static' ? $class : $r, $returns)));
        }
        return null;
    }

    /**
     * The method as the sources or the table declare it, walking up the parents.
     * @return ?array{0: string, 1: array<string, mixed>, 2: bool} owner class, method info, declared by the sources
     */
    public function findMethod(string $class, string $method): ?array
    {
        $seen = [];
        $lowerMethod = strtolower($method);
        $current = ltrim($class, '\\');
        while ($current !== null && !isset($seen[strtolower($current)])) {
            $lower = strtolower($current);
            $seen[$lower] = true;
            if (isset($this->declared[$lower])) {
                $d = $this->declared[$lower];
                if (isset($d['methods'][$lowerMethod])) {
                    $m = $d['methods'][$lowerMethod];
                    return [$d['name'], ['name' => $m['name'], 'static' => in_array('static', $m['modifiers'], true), 'returns' => $m['returns']], true];
                }
                $current = $d['parent'];
                continue;
            }
            if (isset($this->tableClasses[$lower])) {
                $t = $this->tableClasses[$lower];
                if (isset($t['methods'][$lowerMethod])) {
                    return [$t['name'], $t['methods'][$lowerMethod], false];
                }
                $current = $t['parent'] ?? null;
                continue;
            }
            if ((class_exists($current, false) || interface_exists($current, false)) && (new ReflectionClass($current))->isInternal()) {
                // a PHP class at the top of a core hierarchy (\Exception under SystemException): not checked
                if (!method_exists($current, $method)) {
                    return null;
                }
                $r = new ReflectionMethod($current, $method);
                return [$r->getDeclaringClass()->getName(), ['name' => $r->getName(), 'static' => $r->isStatic(), 'returns' => null], true];
            }
            return null;
        }
        return null;
    }

    private function emitOverrides(array $info): void
    {
        if ($info['parent'] === null) {
            return;
        }
        foreach ($info['methods'] as $lm => $m) {
            if (in_array('private', $m['modifiers'], true)) {
                continue;
            }
            $found = $this->findMethod($info['parent'], $lm);
            if ($found === null || $found[2]) {
                continue; // not in a Bitrix parent (or overrides a method of the sources)
            }
            $this->emit('override', $m['index'], ['class' => $info['name'], 'parent' => $found[0], 'method' => $m['name'],
                'static' => in_array('static', $m['modifiers'], true),
                'visibility' => in_array('private', $m['modifiers'], true) ? 'private' : (in_array('protected', $m['modifiers'], true) ? 'protected' : 'public'),
                'params' => array_map(static fn ($p) => ['name' => $p['name'], 'optional' => $p['optional'] || $p['variadic'], 'by_ref' => $p['by_ref'], 'variadic' => $p['variadic']], $m['params'])]);
        }
    }

    /** @return ?list<array<string, mixed>> the arguments of the call whose '(' is at $open; null for a first-class callable `f(...)` */
    private function args(int $open): ?array
    {
        $close = $this->match[$open];
        if ($close === $open + 2 && $this->k[$open + 1] === T_ELLIPSIS) {
            return null;
        }
        $args = [];
        foreach ($this->splitArgs($open, $close) as [$a, $b]) {
            $named = null;
            if ($this->identifierAt($a) && ($this->k[$a + 1] ?? null) === ':' && $a + 1 <= $b) {
                $named = $this->x[$a];
                $this->consumed[$a] = true;
                $a += 2;
            }
            $spread = $this->k[$a] === T_ELLIPSIS;
            $args[] = ['named' => $named, 'spread' => $spread, 'variable' => !$spread && $this->isVariable($a, $b),
                'literal' => $a === $b && $this->k[$a] === T_CONSTANT_ENCAPSED_STRING ? $this->unquote($this->x[$a]) : null,
                'var' => $a === $b && $this->k[$a] === T_VARIABLE ? $this->x[$a] : null,
                'text' => $this->snippet($a, $b)];
        }
        return $args;
    }

    /** @return list<array{0: int, 1: int}> token ranges of the comma-separated items between $open and $close */
    private function splitArgs(int $open, int $close): array
    {
        $items = [];
        $start = $open + 1;
        for ($m = $open + 1; $m < $close; $m++) {
            $km = $this->k[$m];
            if (isset($this->match[$m]) && $this->match[$m] > $m) {
                $m = $this->match[$m];
                continue;
            }
            if ($km === ',') {
                if ($m > $start) {
                    $items[] = [$start, $m - 1];
                }
                $start = $m + 1;
            }
        }
        if ($close > $start) {
            $items[] = [$start, $close - 1];
        }
        return $items;
    }

    /** A variable, property fetch or array element: what a by-reference parameter accepts. */
    private function isVariable(int $a, int $b): bool
    {
        $m = $a;
        if ($this->k[$m] === '$') {
            $m++;
        }
        if ($this->k[$m] !== T_VARIABLE) {
            if (in_array($this->k[$m], self::NAME, true) && ($this->k[$m + 1] ?? null) === T_DOUBLE_COLON && ($this->k[$m + 2] ?? null) === T_VARIABLE) {
                $m += 2;
            } else {
                return false;
            }
        }
        $m++;
        while ($m <= $b) {
            $km = $this->k[$m];
            if ($km === '[' || $km === '{') {
                $m = $this->match[$m] + 1;
            } elseif (($km === T_OBJECT_OPERATOR) && $this->identifierAt($m + 1) && ($this->k[$m + 2] ?? null) !== '(') {
                $m += 2;
            } elseif ($km === T_DOUBLE_COLON && ($this->k[$m + 1] ?? null) === T_VARIABLE) {
                $m += 2;
            } else {
                return false;
            }
        }
        return true;
    }

    private function expressionEnd(int $from): int
    {
        $n = count($this->k);
        for ($m = $from; $m < $n; $m++) {
            $km = $this->k[$m];
            if (isset($this->match[$m]) && $this->match[$m] > $m) {
                $m = $this->match[$m];
                continue;
            }
            if ($km === ';' || $km === ',' || $km === ')' || $km === ']' || $km === '}') {
                return $m - 1;
            }
        }
        return $n - 1;
    }

    private function functionUse(int $i, array $args): void
    {
        $name = $this->x[$i];
        $lower = strtolower(ltrim($name, '\\'));
        if (in_array($lower, ['define', 'defined', 'constant'], true) && isset($args[0]['literal'])) {
            $this->constantUse($i, $args[0]['literal'], $lower);
        }
        $resolved = $this->resolveFunctionAt($i, $name);
        $this->emit('function', $i, ['function' => $resolved, 'args' => $args]);
        $this->registration(strtolower($resolved), $i, $args);
    }

    private function registration(string $key, int $i, array $args): void
    {
        if (!isset(self::REGISTRATIONS[$key])) {
            return;
        }
        [$kind, $mi, $ei] = self::REGISTRATIONS[$key];
        $module = $args[$mi] ?? null;
        $event = $args[$ei] ?? null;
        if ($module === null || $event === null) {
            return;
        }
        $use = ['registration' => $key, 'handler_kind' => $kind, 'module' => $module['literal'], 'event' => $event['literal'], 'dynamic' => null];
        if ($use['module'] === null || $use['event'] === null) {
            $rm = $this->rowVars[$module['var'] ?? ''] ?? null;
            $re = $this->rowVars[$event['var'] ?? ''] ?? null;
            if ($rm !== null && $re !== null && $rm['source'] === $re['source'] && $i <= $rm['end'] && $i <= $re['end']) {
                $filter = [];
                foreach ($this->conditions as $c) {
                    $rv = $this->rowVars[$c['var']] ?? null;
                    if ($rv !== null && $rv['source'] === $rm['source'] && $c['start'] < $i && $i <= $c['end']) {
                        $filter[$rv['index']] = $c['truth'];
                    }
                }
                $use['dynamic'] = ['class' => $rm['source'][0], 'constant' => $rm['source'][1], 'module_index' => $rm['index'],
                    'event_index' => $re['index'], 'filter' => $filter];
            }
        }
        $this->emit('event', $i, $use);
    }

    /** `foreach (X::CONST as [$a, $b, ...])`: remembers which column of which constant each variable holds. */
    private function readForeach(int $i): void
    {
        $open = $i + 1;
        $close = $this->match[$open];
        $m = $open + 1;
        if (!in_array($this->k[$m], self::NAME, true) || $this->k[$m + 1] !== T_DOUBLE_COLON || !$this->identifierAt($m + 2) || $this->k[$m + 3] !== T_AS) {
            return;
        }
        $source = [$this->resolveClassAt($m, $this->x[$m]), $this->x[$m + 2]];
        $list = $m + 4;
        if ($this->k[$list] === T_LIST) {
            $list++;
        }
        if (!in_array($this->k[$list], ['[', '('], true)) {
            return;
        }
        $end = $this->k[$close + 1] === '{' ? $this->match[$close + 1] : $this->expressionEnd($close + 1) + 1;
        $index = 0;
        for ($p = $list + 1; $p < $this->match[$list]; $p++) {
            if ($this->k[$p] === ',') {
                $index++;
                continue;
            }
            if ($this->k[$p] === T_VARIABLE) {
                $this->rowVars[$this->x[$p]] = ['source' => $source, 'index' => $index, 'end' => $end];
            }
        }
    }

    /** `if ($v) {...} else {...}` on a foreach column variable. */
    private function readCondition(int $i): void
    {
        $open = $i + 1;
        $close = $this->match[$open];
        $negate = false;
        $m = $open + 1;
        if ($this->k[$m] === '!') {
            $negate = true;
            $m++;
        }
        if ($this->k[$m] !== T_VARIABLE || $m + 1 !== $close || ($this->k[$close + 1] ?? null) !== '{') {
            return;
        }
        $var = $this->x[$m];
        $blockEnd = $this->match[$close + 1];
        $this->conditions[] = ['var' => $var, 'truth' => !$negate, 'start' => $close + 1, 'end' => $blockEnd];
        if (($this->k[$blockEnd + 1] ?? null) === T_ELSE && ($this->k[$blockEnd + 2] ?? null) === '{') {
            $this->conditions[] = ['var' => $var, 'truth' => $negate, 'start' => $blockEnd + 2, 'end' => $this->match[$blockEnd + 2]];
        }
    }

    private function constantUse(int $i, string $name, string $how = 'read'): void
    {
        if (in_array(strtolower($name), ['true', 'false', 'null'], true)) {
            return;
        }
        $bare = ltrim($name, '\\');
        if ($how !== 'read' || $this->k[$i] === T_NAME_FULLY_QUALIFIED) {
            $resolved = $bare; // define('X') and \X name the global constant
        } elseif (!str_contains($bare, '\\')) {
            $resolved = $this->blockAt($i)['constants'][strtolower($bare)] ?? $bare; // unqualified: falls back to the global one
        } else {
            $resolved = $this->resolveClassAt($i, $bare);
        }
        $this->emit('constant', $i, ['constant' => $resolved, 'how' => $how]);
    }

    private function emit(string $kind, int $i, array $data): void
    {
        $this->out[] = ['kind' => $kind, 'file' => $this->file, 'line' => $this->ln[$i] ?? 0] + $data;
    }

    // ------------------------------------------------------------------ names

    private function blockAt(int $i): array
    {
        $found = $this->nsBlocks[0];
        foreach ($this->nsBlocks as $b) {
            if ($b['start'] <= $i) {
                $found = $b;
            }
        }
        return $found;
    }

    private function qualify(int $i, string $name): string
    {
        $ns = $this->blockAt($i)['ns'];
        return $ns === '' ? $name : $ns . '\\' . $name;
    }

    private function resolveClassAt(int $i, string $name): string
    {
        $lower = strtolower($name);
        if ($lower === 'self' || $lower === 'static') {
            $c = $this->classAt($i);
            return $c['name'] ?? $name;
        }
        if ($lower === 'parent') {
            $c = $this->classAt($i);
            return $c['parent'] ?? $name;
        }
        if ($name[0] === '\\') {
            return substr($name, 1);
        }
        if (str_starts_with($lower, 'namespace\\')) {
            return $this->qualify($i, substr($name, 10));
        }
        $parts = explode('\\', $name, 2);
        $imports = $this->blockAt($i)['classes'];
        if (isset($imports[strtolower($parts[0])])) {
            return $imports[strtolower($parts[0])] . (isset($parts[1]) ? '\\' . $parts[1] : '');
        }
        return $this->qualify($i, $name);
    }

    private function resolveFunctionAt(int $i, string $name): string
    {
        if ($name[0] === '\\') {
            return substr($name, 1);
        }
        $block = $this->blockAt($i);
        if (!str_contains($name, '\\')) {
            if (isset($block['functions'][strtolower($name)])) {
                return $block['functions'][strtolower($name)];
            }
            $qualified = $this->qualify($i, $name);
            return isset($this->declaredFunctions[strtolower($qualified)]) ? $qualified : $name;
        }
        return $this->resolveClassAt($i, $name);
    }

    /** The class whose body holds token $i (innermost). */
    private function classAt(int $i): ?array
    {
        $best = null;
        foreach ($this->classRanges as $r) {
            if (isset($r['info']) && $r['open'] < $i && $i < $r['close'] && ($best === null || $r['open'] > $best['open'])) {
                $best = $r;
            }
        }
        return $best['info'] ?? null;
    }

    /** True when the innermost brace around token $i opens a class, interface, trait or enum body. */
    private function insideClassBody(int $i): bool
    {
        for ($j = $i - 1; $j >= 0; $j--) {
            $k = $this->k[$j];
            if ($k === '}' || $k === ')' || $k === ']') {
                $j = $this->match[$j] ?? $j;
                continue;
            }
            if ($k === '{') {
                return $this->isClassBrace($j);
            }
            if ($k === '(' || $k === '[' || $k === T_CURLY_OPEN || $k === T_DOLLAR_OPEN_CURLY_BRACES || $k === T_ATTRIBUTE) {
                return false;
            }
        }
        return false;
    }

    private function isClassBrace(int $open): bool
    {
        for ($h = $open - 1; $h >= 0; $h--) {
            $k = $this->k[$h];
            if (in_array($k, [T_CLASS, T_INTERFACE, T_TRAIT, T_ENUM], true)) {
                return ($this->k[$h - 1] ?? null) !== T_DOUBLE_COLON;
            }
            if ($k === ')') {
                $h = $this->match[$h] ?? $h; // arguments of an anonymous class
                continue;
            }
            if (in_array($k, self::NAME, true) || in_array($k, [',', ':', T_EXTENDS, T_IMPLEMENTS], true)) {
                continue;
            }
            return false;
        }
        return false;
    }

    private function unquote(string $literal): string
    {
        $body = substr($literal, 1, -1);
        return $literal[0] === "'" ? str_replace(["\\'", '\\\\'], ["'", '\\'], $body) : stripcslashes($body);
    }

    private function snippet(int $a, int $b): string
    {
        $s = implode(' ', array_slice($this->x, $a, min($b - $a + 1, 8)));
        return strlen($s) > 60 ? substr($s, 0, 57) . '...' : $s;
    }

    // ------------------------------------------------------------------ checking

    /**
     * @param list<array<string, mixed>> $uses from uses()
     * @param callable(string, string): mixed $constantValue resolves Class::CONST of the sources (dynamic event registrations)
     * @return list<string> violations, each "file:line: message"
     */
    public function check(array $uses, ?callable $constantValue = null): array
    {
        $violations = [];
        $internalFunctions = array_flip(get_defined_functions()['internal']);
        $internalConstants = [];
        foreach (get_defined_constants(true) as $group => $list) {
            if ($group !== 'user') {
                $internalConstants += $list;
            }
        }
        foreach ($uses as $u) {
            $at = $u['file'] . ':' . $u['line'] . ': ';
            foreach ($this->checkUse($u, $internalFunctions, $internalConstants, $constantValue) as $message) {
                $violations[] = $at . $message;
            }
        }
        return array_values(array_unique($violations));
    }

    /** @return list<string> */
    private function checkUse(array $u, array $internalFunctions, array $internalConstants, ?callable $constantValue): array
    {
        switch ($u['kind']) {
            case 'class':
                if (!$this->isCoreClassName($u['class'])) {
                    return [];
                }
                $t = $this->tableClass($u['class']);
                if ($t === null) {
                    return ["class {$u['class']} ({$u['how']}) is not in the table of core signatures"];
                }
                if ($u['how'] === 'extends' && !empty($t['final'])) {
                    return ["class {$u['class']} is final in the core and cannot be extended"];
                }
                return [];
            case 'classconst':
                if ($u['keyword'] !== null && $u['keyword'] !== 'parent') {
                    return [];
                }
                if (!$this->isCoreClassName($u['class']) && !$this->inheritsCore($u['class'])) {
                    return [];
                }
                if (strtolower($u['constant']) === 'class') {
                    return [];
                }
                return $this->findConstant($u['class'], $u['constant']) ? [] : ["constant {$u['class']}::{$u['constant']} is not in the table"];
            case 'static':
                return $this->checkMethodCall([$u['class']], $u['method'], $u['args'], true, $u['keyword'], false);
            case 'call':
                return $this->checkMethodCall($u['classes'], $u['method'], $u['args'], false, null, $u['this']);
            case 'new':
                return $this->checkNew($u);
            case 'property':
                return $this->checkProperty($u);
            case 'function':
                $lower = strtolower($u['function']);
                if (isset($internalFunctions[$lower]) || isset($this->declaredFunctions[$lower])) {
                    return [];
                }
                $f = $this->tableFunction($u['function']);
                if ($f === null) {
                    return ["function {$u['function']}() is not in the table of core signatures"];
                }
                return $this->checkArgs($f['params'] ?? [], $u['args'], $u['function'] . '()');
            case 'constant':
                $name = $u['constant'];
                if (isset($internalConstants[$name]) || preg_match('/^(RETAILLAB|CASHBACK)_/i', $name) === 1) {
                    return [];
                }
                return isset($this->table['constants'][$name]) ? [] : ["constant $name is not in the table of core signatures"];
            case 'event':
                return $this->checkEvent($u, $constantValue);
            case 'override':
                return $this->checkOverride($u);
        }
        return [];
    }

    private function isCoreClassName(string $class): bool
    {
        $class = ltrim($class, '\\');
        $lower = strtolower($class);
        if ($lower === '' || in_array($lower, self::BUILTIN_TYPES, true) || $this->isOwnClass($class)) {
            return false;
        }
        if (str_starts_with($lower, 'cashback\\') || str_starts_with($lower, 'cashback')) {
            return false; // the cashback extension and the shared API code
        }
        foreach (['class_exists', 'interface_exists', 'trait_exists', 'enum_exists'] as $exists) {
            if ($exists($class, false) && (new ReflectionClass($class))->isInternal()) {
                return false;
            }
        }
        return true;
    }

    private function inheritsCore(string $class): bool
    {
        $seen = [];
        $current = $this->declared[strtolower($class)]['parent'] ?? null;
        while ($current !== null && !isset($seen[strtolower($current)])) {
            $seen[strtolower($current)] = true;
            if ($this->isCoreClassName($current)) {
                return true;
            }
            $current = $this->declared[strtolower($current)]['parent'] ?? null;
        }
        return false;
    }

    public function tableClass(string $class): ?array
    {
        return $this->tableClasses[strtolower(ltrim($class, '\\'))] ?? null;
    }

    private function tableFunction(string $name): ?array
    {
        foreach ($this->table['functions'] ?? [] as $fn => $info) {
            if (strcasecmp($fn, $name) === 0) {
                return $info;
            }
        }
        return null;
    }

    private function findConstant(string $class, string $constant): bool
    {
        $seen = [];
        $current = ltrim($class, '\\');
        while ($current !== null && !isset($seen[strtolower($current)])) {
            $lower = strtolower($current);
            $seen[$lower] = true;
            if (isset($this->declared[$lower])) {
                if (isset($this->declared[$lower]['constants'][$constant])) {
                    return true;
                }
                $current = $this->declared[$lower]['parent'];
                continue;
            }
            $t = $this->tableClasses[$lower] ?? null;
            if ($t === null) {
                return false;
            }
            if (isset($t['constants'][$constant])) {
                return true;
            }
            $current = $t['parent'] ?? null;
        }
        return false;
    }

    /** @return list<string> */
    private function checkMethodCall(array $classes, string $method, array $args, bool $staticSyntax, ?string $keyword, bool $this_): array
    {
        $coreReceiver = false;
        $missing = [];
        foreach ($classes as $class) {
            $isCore = $this->isCoreClassName($class);
            if (!$isCore && !$this->inheritsCore($class)) {
                continue;
            }
            $found = $this->findMethod($class, $method);
            if ($found === null) {
                if ($isCore && $this->tableClass($class) === null) {
                    $missing[] = "class $class is not in the table of core signatures (receiver of $method())";
                } else {
                    $missing[] = "method $class::$method() is not in the table of core signatures";
                }
                $coreReceiver = true;
                continue;
            }
            [$owner, $info, $own] = $found;
            if ($own) {
                return []; // the module's own method
            }
            $what = "$owner::{$info['name']}()";
            $problems = $this->checkArgs($info['params'] ?? [], $args, $what);
            if ($staticSyntax && $keyword !== 'parent' && $keyword !== 'self' && $keyword !== 'static' && empty($info['static'])) {
                $problems[] = "$what is an instance method in the core but is called statically";
            }
            if (!$staticSyntax && !empty($info['static']) && empty($info['declared_non_static_elsewhere'])) {
                $problems[] = "$what is static in the core but is called on an instance";
            }
            if (($info['visibility'] ?? 'public') !== 'public' && !$this_ && $keyword === null) {
                $problems[] = "$what is {$info['visibility']} in the core";
            }
            return $problems;
        }
        return $coreReceiver ? array_slice($missing, 0, 1) : [];
    }

    /** @return list<string> */
    private function checkNew(array $u): array
    {
        $core = $this->isCoreClassName($u['class']);
        if (!$core && !$this->inheritsCore($u['class'])) {
            return [];
        }
        $t = $this->tableClass($u['class']);
        if ($core && $t === null) {
            return ["class {$u['class']} (new) is not in the table of core signatures"];
        }
        $problems = [];
        if ($t !== null && !empty($t['abstract'])) {
            $problems[] = "class {$u['class']} is abstract in the core and cannot be instantiated";
        }
        $found = $this->findMethod($u['class'], '__construct');
        if ($found === null || $found[2]) {
            return $problems;
        }
        [$owner, $info] = $found;
        if (($info['visibility'] ?? 'public') !== 'public' && !$u['keyword']) {
            $problems[] = "the constructor of $owner is {$info['visibility']} in the core";
        }
        return array_merge($problems, $this->checkArgs($info['params'] ?? [], $u['args'], "new {$u['class']}() ($owner::__construct)"));
    }

    /** @return list<string> */
    private function checkProperty(array $u): array
    {
        foreach ($u['classes'] as $class) {
            if (!$this->inheritsCore($class)) {
                continue;
            }
            $seen = [];
            $current = $class;
            while ($current !== null && !isset($seen[strtolower($current)])) {
                $lower = strtolower($current);
                $seen[$lower] = true;
                if (isset($this->declared[$lower])) {
                    if (isset($this->declared[$lower]['properties'][$u['property']])) {
                        return [];
                    }
                    $current = $this->declared[$lower]['parent'];
                    continue;
                }
                $t = $this->tableClasses[$lower] ?? null;
                if ($t === null) {
                    return [];
                }
                if (isset($t['properties'][$u['property']])) {
                    return [];
                }
                $current = $t['parent'] ?? null;
            }
            return ["property \$this->{$u['property']} is declared neither by $class nor by its core parents in the table"];
        }
        return [];
    }

    /** @return list<string> */
    private function checkOverride(array $u): array
    {
        $found = $this->findMethod($u['parent'], $u['method']);
        if ($found === null) {
            return [];
        }
        [$owner, $info] = $found;
        $what = "{$u['class']}::{$u['method']}() overriding $owner::{$info['name']}()";
        $problems = [];
        if (!empty($info['final'])) {
            $problems[] = "$what: the core method is final";
        }
        if ((bool) ($info['static'] ?? false) !== $u['static']) {
            $problems[] = "$what: static in one and not in the other";
        }
        if (strtolower($u['method']) === '__construct' && empty($info['abstract'])) {
            // PHP exempts constructors from signature and visibility rules unless the parent's is abstract.
            return $problems;
        }
        $rank = ['private' => 0, 'protected' => 1, 'public' => 2];
        if ($rank[$u['visibility']] < $rank[$info['visibility'] ?? 'public']) {
            $problems[] = "$what: visibility {$u['visibility']} is narrower than the core's {$info['visibility']}";
        }
        $parent = $info['params'] ?? [];
        $child = $u['params'];
        $childVariadic = $child !== [] && end($child)['variadic'];
        if (count($child) < count($parent) && !$childVariadic) {
            $problems[] = "$what: takes " . count($child) . ' parameters, the core method ' . count($parent);
        }
        $parentRequired = self::requiredCount($parent);
        $childRequired = 0;
        foreach ($child as $n => $p) {
            if (!$p['optional']) {
                $childRequired = $n + 1;
            }
        }
        if ($childRequired > $parentRequired) {
            $problems[] = "$what: requires $childRequired arguments, the core method $parentRequired";
        }
        return $problems;
    }

    private static function requiredCount(array $params): int
    {
        $required = 0;
        foreach ($params as $n => $p) {
            if (empty($p['optional']) && empty($p['variadic'])) {
                $required = $n + 1;
            }
        }
        return $required;
    }

    /** @return list<string> */
    private function checkArgs(array $params, array $args, string $what): array
    {
        $problems = [];
        $variadic = $params !== [] && !empty(end($params)['variadic']);
        $max = $variadic ? PHP_INT_MAX : count($params);
        $required = self::requiredCount($params);
        $positional = 0;
        $spread = false;
        $filled = [];
        foreach ($args as $n => $a) {
            if ($a['spread']) {
                $spread = true;
                continue;
            }
            if ($a['named'] !== null) {
                $index = null;
                foreach ($params as $pi => $p) {
                    if ($p['name'] === $a['named']) {
                        $index = $pi;
                    }
                }
                if ($index === null && !$variadic) {
                    $problems[] = "$what has no parameter named \${$a['named']}";
                    continue;
                }
                if ($index !== null) {
                    $filled[$index] = true;
                    $this->checkByRef($params[$index], $a, $what, $problems);
                }
                continue;
            }
            $index = min($positional, count($params) - 1);
            if ($positional < count($params) || $variadic) {
                if ($index >= 0) {
                    $this->checkByRef($params[$index], $a, $what, $problems);
                }
            }
            $filled[$positional] = true;
            $positional++;
        }
        if (!$spread && $positional > $max) {
            $problems[] = "$what takes at most $max arguments, $positional given";
        }
        if (!$spread) {
            for ($r = 0; $r < $required; $r++) {
                if (!isset($filled[$r])) {
                    $problems[] = "$what requires $required arguments (\$" . $params[$r]['name'] . ' missing)';
                    break;
                }
            }
        }
        return $problems;
    }

    private function checkByRef(array $param, array $arg, string $what, array &$problems): void
    {
        if (!empty($param['by_ref']) && !$arg['variable']) {
            $problems[] = "$what takes \${$param['name']} by reference but is given «{$arg['text']}», not a variable";
        }
    }

    /** @return list<string> */
    private function checkEvent(array $u, ?callable $constantValue): array
    {
        $events = [];
        if ($u['module'] !== null && $u['event'] !== null) {
            $events[] = [$u['module'], $u['event']];
        } elseif ($u['dynamic'] !== null && $constantValue !== null) {
            $rows = $constantValue($u['dynamic']['class'], $u['dynamic']['constant']);
            foreach (is_array($rows) ? $rows : [] as $row) {
                foreach ($u['dynamic']['filter'] as $index => $truth) {
                    if ((bool) ($row[$index] ?? false) !== $truth) {
                        continue 2;
                    }
                }
                $events[] = [(string) ($row[$u['dynamic']['module_index']] ?? ''), (string) ($row[$u['dynamic']['event_index']] ?? '')];
            }
        } else {
            return [];
        }
        $problems = [];
        foreach ($events as [$module, $event]) {
            $info = null;
            foreach ($this->table['events'][strtolower($module)] ?? [] as $name => $e) {
                if (strcasecmp($name, $event) === 0) {
                    $info = $e;
                }
            }
            if ($info === null) {
                $problems[] = "event $module:$event is not in the table (the core does not fire it, or it is not recorded)";
                continue;
            }
            if ($u['handler_kind'] !== 'any' && ($info['kind'] ?? null) !== null && $info['kind'] !== $u['handler_kind']) {
                $problems[] = "event $module:$event is fired " . ($info['kind'] === 'd7' ? 'as a D7 Bitrix\Main\Event' : 'old-style (GetModuleEvents/ExecuteModuleEventEx)')
                    . " but is registered with {$u['registration']} (a " . ($u['handler_kind'] === 'd7' ? 'D7' : 'compatible') . ' handler)';
            }
        }
        return $problems;
    }
}
