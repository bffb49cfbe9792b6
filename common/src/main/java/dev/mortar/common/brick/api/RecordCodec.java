package dev.mortar.common.brick.api;

import dev.mortar.common.brick.Attr;
import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A record as a JSON object, field by field under the record's own component names, and back. A {@code Buffer}
 * field is not put in the JSON: it is the frame's data. Fields are strings, numbers, booleans, enums (by name),
 * records, lists of these, and {@code Map<Integer, Long>}. Decoding checks every field's type and presence (see
 * {@link Nullable}), so a malformed frame from any sender is refused with EINVAL and never reaches a brick's storage.
 */
final class RecordCodec<T> {
  private static final Map<Class<?>, RecordCodec<?>> CODECS = new ConcurrentHashMap<>();
  private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
  private static final MethodType CONSTRUCTOR = MethodType.methodType(Object.class, Object[].class);

  private final Class<T> type;
  private final RecordComponent[] fields;
  private final MethodHandle[] getters;
  private final boolean[] nullable;
  /** Each field's decoder, made once from its type. */
  private final Decoder[] decoders;
  private final MethodHandle constructor;
  /** Index of the Buffer field (the frame's data), or -1. */
  private final int dataField;

  @SuppressWarnings("unchecked")
  static <T> RecordCodec<T> of(Class<T> type) {
    return (RecordCodec<T>) CODECS.computeIfAbsent(type, RecordCodec::new);
  }

  private RecordCodec(Class<T> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type + " is not a record");
    }
    this.type = type;
    fields = type.getRecordComponents();
    getters = new MethodHandle[fields.length];
    nullable = new boolean[fields.length];
    decoders = new Decoder[fields.length];
    Class<?>[] types = new Class<?>[fields.length];
    int data = -1;
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    try {
      for (int i = 0; i < fields.length; i++) {
        // Typed (Object)Object, so that invokeExact needs no adaptation at each call
        getters[i] = lookup.unreflect(fields[i].getAccessor()).asType(GETTER);
        nullable[i] = fields[i].isAnnotationPresent(Nullable.class);
        types[i] = fields[i].getType();
        if (types[i] == Buffer.class) {
          data = i;
        } else {
          decoders[i] = decoder(fields[i].getGenericType(), fields[i].getName());
        }
      }
      constructor = lookup.unreflectConstructor(type.getDeclaredConstructor(types))
          .asSpreader(Object[].class, types.length).asType(CONSTRUCTOR);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("brick protocol record " + type.getName() + " is not public", e);
    }
    dataField = data;
  }

  JsonObject toJson(T value, JsonObject into) {
    for (int i = 0; i < fields.length; i++) {
      if (i != dataField) {
        Object v = get(i, value);
        if (v != null) {
          into.put(fields[i].getName(), encode(v));
        }
      }
    }
    return into;
  }

  /** The frame data of {@code value}, or null if its record has none. */
  Buffer data(T value) {
    return dataField < 0 ? null : (Buffer) get(dataField, value);
  }

  /**
   * @param lenient a reply from a brick: a field it left out is null, or zero, rather than an error (requests are
   *                never read leniently: they come from anyone who reaches the brick)
   */
  T fromJson(JsonObject json, Buffer data, boolean lenient) {
    Object[] args = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      if (i == dataField) {
        args[i] = data;
        continue;
      }
      Object raw = json.getValue(fields[i].getName());
      if (raw == null) {
        if (!nullable[i] && !lenient) {
          throw bad(fields[i].getName(), "is missing");
        }
        args[i] = zero(fields[i].getType());
        continue;
      }
      args[i] = decoders[i].decode(raw, lenient);
    }
    try {
      return type.cast((Object) constructor.invokeExact(args));
    } catch (BrickException | IllegalArgumentException e) {
      throw new BrickException(Errno.EINVAL, type.getSimpleName() + ": " + e.getMessage());
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private Object get(int i, T value) {
    try {
      return (Object) getters[i].invokeExact((Object) value);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object encode(Object v) {
    if (v instanceof Attr a) { // the most frequent record (5,000 in a listing of 5,000 files): its own JSON form
      return a.toJson();
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof Record r) {
      return ((RecordCodec) of(r.getClass())).toJson(r, new JsonObject());
    }
    if (v instanceof List<?> list) {
      JsonArray a = new JsonArray(new ArrayList<>(list.size()));
      list.forEach(x -> a.add(encode(x)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      map.forEach((k, x) -> o.put(String.valueOf(k), encode(x)));
      return o;
    }
    return v; // String, Number, Boolean
  }

  /** Turns one field's JSON value into its Java value, or refuses it (EINVAL). */
  private interface Decoder {
    Object decode(Object raw, boolean lenient);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Decoder decoder(Type t, String name) {
    Class<?> c = t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
    if (c == String.class) {
      return (raw, lenient) -> as(raw, String.class, name);
    }
    if (c == int.class || c == Integer.class) {
      return (raw, lenient) -> {
        long x = as(raw, Number.class, name).longValue();
        if (x != (int) x) {
          throw bad(name, "is out of range: " + x);
        }
        return (int) x;
      };
    }
    if (c == long.class || c == Long.class) {
      return (raw, lenient) -> {
        Number n = as(raw, Number.class, name);
        if (n instanceof Double || n instanceof Float) {
          throw bad(name, "must be a whole number");
        }
        return n.longValue();
      };
    }
    if (c == boolean.class || c == Boolean.class) {
      return (raw, lenient) -> as(raw, Boolean.class, name);
    }
    if (c.isEnum()) {
      return (raw, lenient) -> {
        try {
          return Enum.valueOf((Class) c, as(raw, String.class, name));
        } catch (IllegalArgumentException e) {
          throw bad(name, "is not one of " + List.of(c.getEnumConstants()) + ": " + raw);
        }
      };
    }
    if (c == Attr.class) { // only ever in replies; see encode
      return (raw, lenient) -> Attr.fromJson(json(raw, name));
    }
    if (c.isRecord()) {
      // Looked up at first use: a codec is being made while this runs, and the map may not be changed meanwhile.
      return (raw, lenient) -> of(c).fromJson(json(raw, name), null, lenient);
    }
    Type[] args = ((ParameterizedType) t).getActualTypeArguments();
    if (c == List.class) {
      Decoder item = decoder(args[0], name);
      return (raw, lenient) -> {
        List<?> items = raw instanceof JsonArray a ? a.getList() : raw instanceof List<?> l ? l : null;
        if (items == null) {
          throw bad(name, "must be a list");
        }
        List<Object> out = new ArrayList<>(items.size());
        for (Object x : items) {
          if (x == null) {
            throw bad(name, "has an empty item");
          }
          out.add(item.decode(x, lenient));
        }
        return List.copyOf(out);
      };
    }
    if (c == Map.class && args[0] == Integer.class) {
      Decoder value = decoder(args[1], name);
      return (raw, lenient) -> {
        Map<Integer, Object> out = new HashMap<>();
        json(raw, name).forEach(e -> {
          try {
            out.put(Integer.parseInt(e.getKey()), value.decode(e.getValue(), lenient));
          } catch (NumberFormatException x) {
            throw bad(name, "has a key that is not a number: " + e.getKey());
          }
        });
        return Map.copyOf(out);
      };
    }
    throw new IllegalStateException("brick protocol field " + name + " has a type the codec does not know: " + t);
  }

  private static Object zero(Class<?> c) {
    if (!c.isPrimitive()) {
      return null;
    }
    return c == boolean.class ? Boolean.FALSE : c == long.class ? (Object) 0L : (Object) 0;
  }

  @SuppressWarnings("unchecked")
  private static JsonObject json(Object raw, String name) {
    if (raw instanceof JsonObject o) {
      return o;
    }
    if (raw instanceof Map<?, ?> m) {
      return new JsonObject((Map<String, Object>) m);
    }
    throw bad(name, "must be an object");
  }

  private static <X> X as(Object raw, Class<X> c, String name) {
    if (!c.isInstance(raw)) {
      throw bad(name, "must be a " + c.getSimpleName().toLowerCase() + ", not " + raw);
    }
    return c.cast(raw);
  }

  private static BrickException bad(String name, String what) {
    return new BrickException(Errno.EINVAL, "field '" + name + "' " + what);
  }
}
