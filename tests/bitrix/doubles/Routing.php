<?php

declare(strict_types=1);

// Test double of Bitrix\Main\Routing\RoutingConfigurator: records the routes a
// route file declares (method list, full path with the group prefix, handler,
// parameter patterns) in declaration order, which is matching order.

namespace Bitrix\Main\Routing {
    final class RoutingConfigurator
    {
        /** @var list<array{methods: list<string>, path: string, handler: mixed, where: array<string, string>}> */
        public array $routes = [];

        private string $prefix = '';

        /** Prefix for the next group(). */
        private string $pendingPrefix = '';

        public function prefix(string $prefix): self
        {
            $this->pendingPrefix = trim($prefix, '/');
            return $this;
        }

        public function group(callable $callback): self
        {
            $outer = $this->prefix;
            $this->prefix = trim($outer . '/' . $this->pendingPrefix, '/');
            $this->pendingPrefix = '';
            $callback($this);
            $this->prefix = $outer;
            return $this;
        }

        /** Like Bitrix: get() also answers HEAD. */
        public function get(string $path, $handler): RouteDouble
        {
            return $this->add(['GET', 'HEAD'], $path, $handler);
        }

        public function post(string $path, $handler): RouteDouble
        {
            return $this->add(['POST'], $path, $handler);
        }

        public function any(string $path, $handler): RouteDouble
        {
            return $this->add([], $path, $handler);
        }

        private function add(array $methods, string $path, $handler): RouteDouble
        {
            $this->routes[] = ['methods' => $methods, 'path' => '/' . trim($this->prefix . '/' . trim($path, '/'), '/'), 'handler' => $handler, 'where' => []];
            return new RouteDouble($this, count($this->routes) - 1);
        }

        /** @internal */
        public function setWhere(int $index, string $parameter, string $pattern): void
        {
            $this->routes[$index]['where'][$parameter] = $pattern;
        }

        /**
         * The first route matching a method and path, as the router tries them in
         * order: a path pattern with {param} as [^/]+ or its where() pattern.
         */
        public function match(string $method, string $path): ?array
        {
            foreach ($this->routes as $route) {
                if ($route['methods'] !== [] && !in_array($method, $route['methods'], true)) {
                    continue;
                }
                $regex = preg_replace_callback(
                    '/\\\\\{(\w+)\\\\\}/',
                    static fn (array $m) => '(?<' . $m[1] . '>' . ($route['where'][$m[1]] ?? '[^/]+') . ')',
                    preg_quote(rtrim($route['path'], '/'), '#'),
                );
                if (preg_match('#^' . $regex . '/?$#', $path) === 1) {
                    return $route;
                }
            }
            return null;
        }
    }

    final class RouteDouble
    {
        public function __construct(private RoutingConfigurator $routes, private int $index)
        {
        }

        public function where(string $parameter, string $pattern): self
        {
            $this->routes->setWhere($this->index, $parameter, $pattern);
            return $this;
        }

        public function name(string $name): self
        {
            return $this;
        }
    }
}
