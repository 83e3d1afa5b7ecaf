package io.github.mpr4j.protocol.jsonrpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A number that is written back as the text it was read as ({@code 1e400}, {@code -0}, {@code 1.50}): the
 * request id of a response must be the request's own, and Jackson's number nodes would write
 * {@code "Infinity"}, {@code 0} and {@code 1.5} instead. Its value is the exact decimal of the text.
 */
final class NumberTextNode extends NumericNode {
  private static final long serialVersionUID = 1L;

  private final String text;
  private final BigDecimal value;

  /**
   * @param text the text of a JSON number, as the parser read it
   * @throws NumberFormatException when it is not one
   */
  NumberTextNode(String text) {
    this.text = text;
    this.value = new BigDecimal(text);
  }

  @Override
  public JsonToken asToken() {
    return isIntegralText() ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
  }

  private boolean isIntegralText() {
    return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
  }

  @Override
  public JsonParser.NumberType numberType() {
    return JsonParser.NumberType.BIG_DECIMAL;
  }

  @Override
  public Number numberValue() {
    return value;
  }

  @Override
  public int intValue() {
    return value.intValue();
  }

  @Override
  public long longValue() {
    return value.longValue();
  }

  @Override
  public double doubleValue() {
    return value.doubleValue();
  }

  @Override
  public BigDecimal decimalValue() {
    return value;
  }

  @Override
  public BigInteger bigIntegerValue() {
    return value.toBigInteger();
  }

  @Override
  public boolean canConvertToInt() {
    return false;
  }

  @Override
  public boolean canConvertToLong() {
    return false;
  }

  @Override
  public boolean isFloatingPointNumber() {
    return !isIntegralText();
  }

  @Override
  public String asText() {
    return text;
  }

  @Override
  public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
    g.writeNumber(text);
  }

  @Override
  public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer)
      throws IOException {
    serialize(g, provider);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumberTextNode other && other.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }
}
